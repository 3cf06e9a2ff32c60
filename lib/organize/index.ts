// lib/organize: results -> albums, best picks, duplicate keepers, crops, grid,
// carousels; the results list and a photo's page. Run control and the
// dashboard are lib/runs.
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
  type PhotoListItem,
  type PhotoPage,
} from "./photos";
export { faceAwareCrop, toRelative } from "./face-crops";
export { FACE_SCAN_SELECT, peopleText, photoFaces } from "./faces";
export { updateSuggestedKeepers } from "./keepers";
