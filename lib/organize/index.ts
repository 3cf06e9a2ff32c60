// lib/organize: results -> albums, best picks, duplicate keepers, crops, grid,
// carousels; the results list, run control and the dashboard.
export { parseStoredAnalysis } from "./analysis";
export { effectiveText } from "./effective";
export { CAROUSEL_MAX } from "./carousel";
export { gridObjectPosition } from "./crops";
export {
  refreshSetOrganization,
  requestRefresh,
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
} from "./albums";
export { listDuplicateGroups, chooseKeeper } from "./duplicates";
export { bulkPhotoAction, bulkActionSchema, BULK_MAX } from "./bulk";
export {
  listPhotos,
  listSetPhotos,
  matchingPhotoIds,
  setCategories,
  getPhotoDetail,
  updatePhotoEdits,
  photoQuerySchema,
  photoEditSchema,
} from "./photos";
export { setRunStatus, reanalysePhoto } from "./run-control";
export { dashboardProgress, forgetDashboardProgress, type DashboardProgress } from "./dashboard";
export { faceAwareCrop, toRelative } from "./face-crops";
export { FACE_SCAN_SELECT, peopleText, photoFaces } from "./faces";
export { updateSuggestedKeepers } from "./keepers";
