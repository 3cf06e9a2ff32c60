// The one gate for team-scoped data: membership and role. Another team's data
// answers 404, never 403, so its existence does not leak.
import { currentSession, type SessionRef, type SessionUser } from "@/lib/auth";
import { db, type Role } from "@/lib/db";
import { forbidden, notFound, unauthorized } from "@/lib/errors";
import { atLeast } from "./roles";

export interface TeamAccess {
  user: SessionUser;
  team: { id: string; name: string; personal: boolean };
  role: Role;
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
 * second. No row: the account is gone (deleted since its session was issued),
 * or the session has ended (the user's session version moved on: signed out).
 */
async function readAccess(userId: string, teamId: string, version: number | null): Promise<AccessRow | null> {
  const rows = await db().$queryRaw<AccessRow[]>`
    SELECT u.id, u.email, u.name, u."currentTeamId", m.role::text AS role, t.name AS "teamName", t.personal
    FROM "User" u
    LEFT JOIN "Membership" m ON m."userId" = u.id AND m."teamId" = ${teamId}
    LEFT JOIN "Team" t ON t.id = m."teamId"
    WHERE u.id = ${userId} AND (${version}::int IS NULL OR u."sessionVersion" = ${version}::int)`;
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
  return requireTeamRoleOf(await currentSession(), teamId, min);
}

/** requireTeamRole for a caller already read from the session cookie (null: not signed in). */
export async function requireTeamRoleOf(session: SessionRef | null, teamId: string, min: Role): Promise<TeamAccess> {
  if (!session) throw unauthorized();
  return decide(await readAccess(session.userId, teamId, session.version), teamId, min);
}

/** For a user already checked (currentUser/requireUser checked the session's version). */
export async function checkTeamRole(user: SessionUser, teamId: string, min: Role): Promise<TeamAccess> {
  return decide(await readAccess(user.id, teamId, null), teamId, min);
}
