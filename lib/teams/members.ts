// Members of a team: list, change a role, remove. The last owner stays.
//
// Role changes and removals run in a transaction that first locks the team's
// row (SELECT ... FOR UPDATE), then re-reads the actor, the target and the
// owner count. Without the lock two owners demoting each other at the same
// moment both counted two owners and both succeeded, leaving none. The lock
// serialises every owner-reducing change of one team; the second one then sees
// the first's result (a fresh snapshot per statement under READ COMMITTED).
// Works the same on PGlite, whose single connection serialises anyway.
import { db, type Prisma, type Role } from "@/lib/db";
import { badRequest, forbidden, notFound } from "@/lib/errors";
import { canAssign } from "./roles";

type Tx = Prisma.TransactionClient;
// Waiting for another change's lock holds a pooled connection; Prisma's 2 s
// default for getting one is too short when several queue on a busy machine.
const TX = { maxWait: 10_000, timeout: 15_000 };

const LAST_OWNER = "A team needs at least one owner. Make someone else an owner first.";

export async function listMembers(teamId: string) {
  return db().membership.findMany({
    where: { teamId },
    select: { role: true, createdAt: true, user: { select: { id: true, name: true, email: true } } },
    orderBy: { createdAt: "asc" },
  });
}

/**
 * Locks the team against concurrent membership changes for the rest of the
 * transaction and answers the actor's current role: the one the route checked
 * may have changed while this request waited for the lock.
 */
async function lockTeam(tx: Tx, teamId: string, actorId: string): Promise<Role> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Team" WHERE id = ${teamId} FOR UPDATE`;
  if (locked.length === 0) throw notFound("Team not found");
  const actor = await tx.membership.findUnique({ where: { teamId_userId: { teamId, userId: actorId } }, select: { role: true } });
  if (!actor) throw notFound("Team not found");
  return actor.role;
}

async function ownerCount(tx: Tx, teamId: string): Promise<number> {
  return tx.membership.count({ where: { teamId, role: "OWNER" } });
}

/** The actor's role is read under the lock, not taken from the caller (it may be stale). */
export async function changeRole(teamId: string, actorId: string, userId: string, role: Role): Promise<void> {
  await db().$transaction(async (tx) => {
    const actorRole = await lockTeam(tx, teamId, actorId);
    if (actorRole !== "OWNER" && actorRole !== "ADMIN") throw forbidden();
    const target = await tx.membership.findUnique({ where: { teamId_userId: { teamId, userId } } });
    if (!target) throw notFound("Member not found");
    if (!canAssign(actorRole, target.role) || !canAssign(actorRole, role)) {
      throw forbidden("Only an owner can change an owner's role or make someone an owner.");
    }
    if (target.role === "OWNER" && role !== "OWNER" && (await ownerCount(tx, teamId)) <= 1) throw badRequest(LAST_OWNER);
    await tx.membership.update({ where: { id: target.id }, data: { role } });
  }, TX);
}

/** Removing someone else needs admin (owner for an owner); anyone may leave. */
export async function removeMember(teamId: string, actorId: string, userId: string): Promise<void> {
  await db().$transaction(async (tx) => {
    const actorRole = await lockTeam(tx, teamId, actorId);
    const target = await tx.membership.findUnique({ where: { teamId_userId: { teamId, userId } } });
    if (!target) throw notFound("Member not found");
    const self = actorId === userId;
    if (!self && !canAssign(actorRole, target.role)) throw forbidden("Only an owner can remove an owner.");
    if (!self && actorRole !== "OWNER" && actorRole !== "ADMIN") throw forbidden();
    if (target.role === "OWNER" && (await ownerCount(tx, teamId)) <= 1) throw badRequest(LAST_OWNER);
    await tx.membership.delete({ where: { id: target.id } });
    await tx.user.updateMany({ where: { id: userId, currentTeamId: teamId }, data: { currentTeamId: null } });
  }, TX);
}
