// Members of a team: list, change a role, remove. The last owner stays.
import { db, type Role } from "@/lib/db";
import { badRequest, forbidden, notFound } from "@/lib/errors";
import { canAssign } from "./roles";

export async function listMembers(teamId: string) {
  return db().membership.findMany({
    where: { teamId },
    select: { role: true, createdAt: true, user: { select: { id: true, name: true, email: true } } },
    orderBy: { createdAt: "asc" },
  });
}

async function ownerCount(teamId: string): Promise<number> {
  return db().membership.count({ where: { teamId, role: "OWNER" } });
}

export async function changeRole(teamId: string, actorRole: Role, userId: string, role: Role): Promise<void> {
  const target = await db().membership.findUnique({ where: { teamId_userId: { teamId, userId } } });
  if (!target) throw notFound("Member not found");
  if (!canAssign(actorRole, target.role) || !canAssign(actorRole, role)) {
    throw forbidden("Only an owner can change an owner's role or make someone an owner.");
  }
  if (target.role === "OWNER" && role !== "OWNER" && (await ownerCount(teamId)) <= 1) {
    throw badRequest("A team needs at least one owner. Make someone else an owner first.");
  }
  await db().membership.update({ where: { id: target.id }, data: { role } });
}

export async function removeMember(teamId: string, actor: { id: string; role: Role }, userId: string): Promise<void> {
  const target = await db().membership.findUnique({ where: { teamId_userId: { teamId, userId } } });
  if (!target) throw notFound("Member not found");
  const self = actor.id === userId;
  if (!self && !canAssign(actor.role, target.role)) throw forbidden("Only an owner can remove an owner.");
  if (!self && actor.role !== "OWNER" && actor.role !== "ADMIN") throw forbidden();
  if (target.role === "OWNER" && (await ownerCount(teamId)) <= 1) {
    throw badRequest("A team needs at least one owner. Make someone else an owner first.");
  }
  await db().$transaction([
    db().membership.delete({ where: { id: target.id } }),
    db().user.updateMany({ where: { id: userId, currentTeamId: teamId }, data: { currentTeamId: null } }),
  ]);
}
