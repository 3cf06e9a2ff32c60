// Invitations are links: a random token (only its SHA-256 is stored) that
// carries a role and expires. Accepting one makes the signed-in user a member.
import { createHash, randomBytes } from "node:crypto";
import { db, type Role } from "@/lib/db";
import { AppError, forbidden, notFound } from "@/lib/errors";
import { canAssign } from "./roles";

export const INVITE_TTL_DAYS_DEFAULT = 7;

export const hashToken = (token: string): string => createHash("sha256").update(token).digest("hex");

export async function createInvitation(opts: {
  teamId: string;
  actor: { id: string; role: Role };
  role: Role;
  expiresInDays?: number;
}): Promise<{ id: string; token: string; expiresAt: Date }> {
  if (!canAssign(opts.actor.role, opts.role)) throw forbidden("Only an owner can invite another owner.");
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + (opts.expiresInDays ?? INVITE_TTL_DAYS_DEFAULT) * 86_400_000);
  const inv = await db().invitation.create({
    data: { teamId: opts.teamId, role: opts.role, tokenHash: hashToken(token), createdById: opts.actor.id, expiresAt },
  });
  return { id: inv.id, token, expiresAt };
}

export async function listPendingInvitations(teamId: string) {
  return db().invitation.findMany({
    where: { teamId, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
    select: { id: true, role: true, expiresAt: true, createdAt: true, createdBy: { select: { name: true } } },
    orderBy: { createdAt: "desc" },
  });
}

export async function revokeInvitation(teamId: string, invitationId: string): Promise<void> {
  const r = await db().invitation.updateMany({
    where: { id: invitationId, teamId, acceptedAt: null, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (r.count === 0) throw notFound("Invitation not found");
}

/** What an invitation link shows before it is accepted; null when unusable. */
export async function previewInvitation(token: string) {
  const inv = await db().invitation.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { role: true, expiresAt: true, acceptedAt: true, revokedAt: true, team: { select: { id: true, name: true } } },
  });
  if (!inv || inv.revokedAt || inv.acceptedAt || inv.expiresAt <= new Date()) return null;
  return { teamId: inv.team.id, teamName: inv.team.name, role: inv.role, expiresAt: inv.expiresAt };
}

export async function acceptInvitation(token: string, userId: string): Promise<{ teamId: string; role: Role }> {
  return db().$transaction(async (tx) => {
    const inv = await tx.invitation.findUnique({ where: { tokenHash: hashToken(token) } });
    if (!inv || inv.revokedAt || inv.expiresAt <= new Date()) {
      throw notFound("This invitation link is invalid or has expired. Ask for a new one.");
    }
    if (inv.acceptedAt) {
      if (inv.acceptedById === userId) return { teamId: inv.teamId, role: inv.role };
      throw new AppError("conflict", "This invitation link has already been used.");
    }
    const existing = await tx.membership.findUnique({ where: { teamId_userId: { teamId: inv.teamId, userId } } });
    if (!existing) await tx.membership.create({ data: { teamId: inv.teamId, userId, role: inv.role } });
    // One use per link: the conditional update makes two concurrent accepts safe.
    const used = await tx.invitation.updateMany({
      where: { id: inv.id, acceptedAt: null },
      data: { acceptedAt: new Date(), acceptedById: userId },
    });
    if (used.count === 0) throw new AppError("conflict", "This invitation link has already been used.");
    await tx.user.update({ where: { id: userId }, data: { currentTeamId: inv.teamId } });
    return { teamId: inv.teamId, role: existing?.role ?? inv.role };
  });
}
