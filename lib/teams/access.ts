// The one gate for team-scoped data: membership and role. Another team's data
// answers 404, never 403, so its existence does not leak.
import { sessionUserId, type SessionUser } from "@/lib/auth";
import { db, type Role } from "@/lib/db";
import { forbidden, notFound, unauthorized } from "@/lib/errors";
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

interface AccessRow {
  id: string;
  email: string;
  name: string;
  currentTeamId: string | null;
  role: Role | null;
  teamName: string | null;
  personal: boolean | null;
}

/**
 * The user and their membership of `teamId` in ONE round trip: this gate runs
 * on every team-scoped request, including each open dashboard's poll every
 * second. No row: the account is gone (deleted since its session was issued).
 */
async function readAccess(userId: string, teamId: string): Promise<AccessRow | null> {
  const rows = await db().$queryRaw<AccessRow[]>`
    SELECT u.id, u.email, u.name, u."currentTeamId", m.role::text AS role, t.name AS "teamName", t.personal
    FROM "User" u
    LEFT JOIN "Membership" m ON m."userId" = u.id AND m."teamId" = ${teamId}
    LEFT JOIN "Team" t ON t.id = m."teamId"
    WHERE u.id = ${userId}`;
  return rows[0] ?? null;
}

function decide(row: AccessRow | null, teamId: string, min: Role): TeamAccess {
  if (!row) throw unauthorized();
  if (!row.role || row.teamName === null) throw notFound("Team not found");
  if (!atLeast(row.role, min)) throw forbidden();
  const user = { id: row.id, email: row.email, name: row.name, currentTeamId: row.currentTeamId };
  return { user, team: { id: teamId, name: row.teamName, personal: row.personal ?? false }, role: row.role };
}

/** The signed-in user's access to a team, or 401 / 404 / 403. */
export async function requireTeamRole(teamId: string, min: Role): Promise<TeamAccess> {
  return requireTeamRoleOf(await sessionUserId(), teamId, min);
}

/** requireTeamRole for a caller already read from the session (null: not signed in). */
export async function requireTeamRoleOf(userId: string | null, teamId: string, min: Role): Promise<TeamAccess> {
  if (!userId) throw unauthorized();
  return decide(await readAccess(userId, teamId), teamId, min);
}

export async function checkTeamRole(user: SessionUser, teamId: string, min: Role): Promise<TeamAccess> {
  return decide(await readAccess(user.id, teamId), teamId, min);
}
