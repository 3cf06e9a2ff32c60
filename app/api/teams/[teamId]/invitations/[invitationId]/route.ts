// DELETE /api/teams/:teamId/invitations/:invitationId - revoke a pending invitation (admin+)
import { route } from "@/lib/http";
import { requireTeamRole, revokeInvitation } from "@/lib/teams";

export const DELETE = route<{ teamId: string; invitationId: string }>(async (_req, { teamId, invitationId }) => {
  await requireTeamRole(teamId, "ADMIN");
  await revokeInvitation(teamId, invitationId);
  return { revoked: invitationId };
});
