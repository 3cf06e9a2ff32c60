export { shareCookieName, SHARE_ACCESS_TTL_S } from "./cookie";
export {
  createShareSchema,
  createShareLink,
  listShareLinks,
  revokeShareLink,
  resolveShare,
  shareLinkState,
  shareUnlocked,
  unlockShare,
  recordShareView,
  sharedPhotoHash,
  type ShareLinkState,
} from "./links";
export { sharedImageResponse } from "./image-response";
export { sharedAlbumView } from "./view";
