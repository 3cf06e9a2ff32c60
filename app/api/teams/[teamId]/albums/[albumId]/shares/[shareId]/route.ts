// DELETE /api/teams/:teamId/albums/:albumId/shares/:shareId - revoke a share link (member+)
import { route } from "@/lib/http";
import { revokeShareLink } from "@/lib/share";
import { requireTeamRole } from "@/lib/teams";

export const DELETE = route<{ teamId: string; albumId: string; shareId: string }>(async (_req, { teamId, shareId }) => {
  await requireTeamRole(teamId, "MEMBER");
  await revokeShareLink(teamId, shareId);
  return { ok: true };
});
