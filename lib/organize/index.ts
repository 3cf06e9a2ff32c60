// lib/organize: results -> albums, best picks, duplicate keepers, crops, grid,
// carousels; plus the export entry point the CLI uses.
export { parseStoredAnalysis } from "./analysis";
export { effectiveText, normalizeHashtags, type EffectiveText, type PhotoEdits } from "./effective";
export { suggestKeeper, photoScore, type KeeperCandidate } from "./keeper";
export { compareByScore } from "./best";
export { suggestCarousel, CAROUSEL_MAX, type CarouselCandidate } from "./carousel";
export { exactCrop, relativeCrop, gridObjectPosition, RATIO_VALUE, OUTPUT_SIZE, outputSize, GRID_TILE_RATIO, type PixelRect } from "./crops";
export {
  refreshSetOrganization,
  requestRefresh,
  categoryAlbumName,
  BEST_ALBUM_NAME,
  UNCATEGORIZED,
  type RefreshResult,
} from "./refresh";
export {
  listAlbums,
  getAlbum,
  createAlbum,
  createAlbumSchema,
  addPhotosToAlbum,
  dropFromAlbums,
  removePhotoFromAlbum,
  reorderAlbum,
  applySuggestedOrder,
  renameAlbum,
  deleteAlbum,
  listAlbumTargets,
  type AlbumSummary,
  type AlbumView,
  type AlbumPhotoView,
} from "./albums";
export { listDuplicateGroups, chooseKeeper, type DuplicateGroupView } from "./duplicates";
export { bulkPhotoAction, bulkActionSchema, BULK_MAX, type BulkAction, type BulkResult } from "./bulk";
export { searchPhotoIds, SEARCH_MAX } from "./search";
export {
  listPhotos,
  listSetPhotos,
  matchingPhotoIds,
  setCategories,
  getPhotoDetail,
  updatePhotoEdits,
  photoQuerySchema,
  photoEditSchema,
  type PhotoQuery,
  type PhotoPage,
  type PhotoListItem,
  type PhotoDetail,
  type PhotoEdit,
} from "./photos";
export { setRunStatus, reanalysePhoto, type RunAction } from "./run-control";
export { providerStatus, LOCAL_ONLY_MESSAGE, type ProviderStatus } from "./provider-status";
export { dashboardProgress, forgetDashboardProgress, type DashboardProgress } from "./dashboard";
export { faceAwareCrop, toRelative } from "./face-crops";
export { FACE_SCAN_SELECT, peopleText, photoFaces } from "./faces";
export { updateSuggestedKeepers } from "./keepers";
