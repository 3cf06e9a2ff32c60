// PATCH /api/teams/:teamId/members/:userId - change a role (admin+)
// DELETE /api/teams/:teamId/members/:userId - remove a member (admin+, or anyone leaving)
import { z } from "zod";
import { id, readJson, route } from "@/lib/http";
import { ROLES, changeRole, removeMember } from "@/lib/teams";

export const PATCH = route({ role: "ADMIN", params: { userId: id } }, async (req, { params: { teamId, userId }, user }) => {
  const { role } = await readJson(req, z.object({ role: z.enum(ROLES) }));
  await changeRole(teamId, user.id, userId, role);
  return { userId, role };
});

export const DELETE = route({ role: "VIEWER", params: { userId: id } }, async (_req, { params: { teamId, userId }, user }) => {
  await removeMember(teamId, user.id, userId);
  return { removed: userId };
});
