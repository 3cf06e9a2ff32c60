// Originals and derived files, addressed by content hash (local.ts), the team
// quota that ingest checks (quota.ts), and reclaiming files no photo uses any
// more under a per-content lock shared with ingest (reclaim.ts, docs/decisions/021).
export { storage, LocalStorage, type FileKind } from "./local";
export { assertRoomFor, assertTeamHasRoom, lockTeamQuota, teamQuotaBytes } from "./quota";
export { lockContent, reclaimContent } from "./reclaim";
