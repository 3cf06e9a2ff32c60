// The one gate for team-scoped data: membership and role. Another team's data
// answers 404, never 403, so its existence does not leak.
import { requireUser, type SessionUser } from "@/lib/auth";
import { db, type Role } from "@/lib/db";
import { forbidden, notFound } from "@/lib/errors";
import { atLeast } from "./roles";

export interface TeamAccess {
  user: SessionUser;
  team: { id: string; name: string; personal: boolean };
  role: Role;
}

export async function teamRoleFor(userId: string, teamId: string): Promise<Role | null> {
  const m = await db().membership.findUnique({
    where: { teamId_userId: { teamId, userId } },
    select: { role: true },
  });
  return m?.role ?? null;
}

/** The signed-in user's access to a team, or 401 / 404 / 403. */
export async function requireTeamRole(teamId: string, min: Role): Promise<TeamAccess> {
  return checkTeamRole(await requireUser(), teamId, min);
}

export async function checkTeamRole(user: SessionUser, teamId: string, min: Role): Promise<TeamAccess> {
  const membership = await db().membership.findUnique({
    where: { teamId_userId: { teamId, userId: user.id } },
    select: { role: true, team: { select: { id: true, name: true, personal: true } } },
  });
  if (!membership) throw notFound("Team not found");
  if (!atLeast(membership.role, min)) throw forbidden();
  return { user, team: membership.team, role: membership.role };
}
