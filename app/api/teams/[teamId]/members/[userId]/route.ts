// PATCH /api/teams/:teamId/members/:userId - change a role (admin+)
// DELETE /api/teams/:teamId/members/:userId - remove a member (admin+, or anyone leaving)
import { z } from "zod";
import { readJson, route } from "@/lib/http";
import { ROLES, changeRole, removeMember, requireTeamRole } from "@/lib/teams";

type P = { teamId: string; userId: string };

export const PATCH = route<P>(async (req, { teamId, userId }) => {
  const { user } = await requireTeamRole(teamId, "ADMIN");
  const { role } = await readJson(req, z.object({ role: z.enum(ROLES) }));
  await changeRole(teamId, user.id, userId, role);
  return { userId, role };
});

export const DELETE = route<P>(async (_req, { teamId, userId }) => {
  const { user } = await requireTeamRole(teamId, "VIEWER");
  await removeMember(teamId, user.id, userId);
  return { removed: userId };
});
