export { newShareToken, hashShareToken, looksLikeShareToken } from "./token";
export { shareCookieName, signShareAccess, verifyShareAccess, SHARE_ACCESS_TTL_S } from "./cookie";
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
  type CreatedShare,
  type ResolvedShare,
  type ShareLinkState,
} from "./links";
export { sharedImageResponse, type SharedImageKind } from "./image-response";
export { sharedAlbumView, type SharedAlbum } from "./view";
