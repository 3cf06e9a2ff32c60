// DELETE /api/teams/:teamId/invitations/:invitationId - revoke a pending invitation (admin+)
import { id, route } from "@/lib/http";
import { revokeInvitation } from "@/lib/teams";

export const DELETE = route({ role: "ADMIN", params: { invitationId: id } }, async (_req, { params: { teamId, invitationId } }) => {
  await revokeInvitation(teamId, invitationId);
  return { revoked: invitationId };
});
