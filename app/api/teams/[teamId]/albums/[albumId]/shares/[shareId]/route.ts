// DELETE /api/teams/:teamId/albums/:albumId/shares/:shareId - revoke a share link (member+)
import { id, route } from "@/lib/http";
import { revokeShareLink } from "@/lib/share";

export const DELETE = route({ role: "MEMBER", params: { albumId: id, shareId: id } }, async (_req, { params: { teamId, shareId } }) => {
  await revokeShareLink(teamId, shareId);
  return { ok: true };
});
