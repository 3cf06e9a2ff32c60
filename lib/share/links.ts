// Share links for albums: created by a member, opened by anyone holding the
// token. Expired, revoked and unknown links all answer the same 404, so a
// visitor learns nothing about links that do not work.
import { z } from "zod";
import {
  attemptLimits,
  authSecret,
  forgiveFailures,
  HashingBusyError,
  hashPassword,
  issueKnownClient,
  knownClientCookieName,
  knownClientNonce,
  pruneAttempts,
  releaseAttempt,
  reserveAttempt,
  verifyPassword,
} from "@/lib/auth";
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { signShareAccess, verifyShareAccess } from "./cookie";
import { hashShareToken, looksLikeShareToken, newShareToken } from "./token";

const MAX_FAILURES = 20;

export const createShareSchema = z.object({
  /** Days until the link stops working; absent = never expires. */
  expiresInDays: z.number().positive().max(3650).optional(),
  password: z.string().min(4, "A share password needs at least 4 characters.").max(200).optional(),
  allowDownload: z.boolean().default(false),
  /** The download keeps the photos' original file names; by default they are 001.jpg, 002.jpg, ... */
  includeNames: z.boolean().default(false),
});

export interface CreatedShare {
  id: string;
  token: string;
  /** Path of the public page; the token is shown once and never stored. */
  path: string;
  expiresAt: Date | null;
}

export async function createShareLink(
  teamId: string,
  userId: string,
  albumId: string,
  // The schema's input: callers in code may leave the defaulted options out.
  input: z.input<typeof createShareSchema>,
  now = new Date(),
): Promise<CreatedShare> {
  const album = await db().album.findFirst({ where: { id: albumId, teamId }, select: { id: true } });
  if (!album) throw notFound("Album not found");
  const { token, tokenHash } = newShareToken();
  const expiresAt = input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * 86_400_000) : null;
  const link = await db().shareLink.create({
    data: {
      teamId,
      albumId,
      tokenHash,
      createdById: userId,
      expiresAt,
      allowDownload: input.allowDownload ?? false,
      includeNames: input.includeNames ?? false,
      passwordHash: input.password ? await hashPassword(input.password) : null,
    },
    select: { id: true },
  });
  return { id: link.id, token, path: `/s/${token}`, expiresAt };
}

export async function listShareLinks(teamId: string, albumId: string) {
  // Another team's (or a made-up) album is a 404, as everywhere else, not an empty list.
  const album = await db().album.findFirst({ where: { id: albumId, teamId }, select: { id: true } });
  if (!album) throw notFound("Album not found");
  const rows = await db().shareLink.findMany({
    where: { teamId, albumId },
    select: {
      id: true,
      createdAt: true,
      expiresAt: true,
      revokedAt: true,
      viewCount: true,
      allowDownload: true,
      includeNames: true,
      passwordHash: true,
      createdBy: { select: { name: true } },
    },
    orderBy: { createdAt: "desc" },
  });
  return rows.map(({ passwordHash, createdBy, ...r }) => ({
    ...r,
    hasPassword: passwordHash !== null,
    createdBy: createdBy.name,
  }));
}

export async function revokeShareLink(teamId: string, shareId: string): Promise<void> {
  const r = await db().shareLink.updateMany({ where: { id: shareId, teamId, revokedAt: null }, data: { revokedAt: new Date() } });
  if (r.count === 0) {
    const exists = await db().shareLink.findFirst({ where: { id: shareId, teamId }, select: { id: true } });
    if (!exists) throw notFound("Share link not found");
  }
}

export interface ResolvedShare {
  id: string;
  teamId: string;
  albumId: string;
  allowDownload: boolean;
  includeNames: boolean;
  expiresAt: Date | null;
  passwordHash: string | null;
}

/**
 * What a token leads to. Only the share page tells a visitor which of the
 * three ways a link does not work (someone holding a revoked or expired token
 * learns that, and when - nothing about the album); every route answers them
 * the same 404 through resolveShare.
 */
export type ShareLinkState =
  | { state: "live"; share: ResolvedShare }
  | { state: "unknown" }
  | { state: "revoked"; at: Date }
  | { state: "expired"; at: Date };

export async function shareLinkState(token: string, now = new Date()): Promise<ShareLinkState> {
  if (!looksLikeShareToken(token)) return { state: "unknown" };
  // Looking up by hash means the comparison is on a digest, never on the secret itself.
  const link = await db().shareLink.findUnique({
    where: { tokenHash: hashShareToken(token) },
    select: {
      id: true, teamId: true, albumId: true, allowDownload: true, includeNames: true, expiresAt: true, passwordHash: true, revokedAt: true,
    },
  });
  if (!link) return { state: "unknown" };
  if (link.revokedAt) return { state: "revoked", at: link.revokedAt };
  if (link.expiresAt && link.expiresAt <= now) return { state: "expired", at: link.expiresAt };
  const { revokedAt: _r, ...live } = link;
  return { state: "live", share: live };
}

/** The live link for a token, or a 404 for unknown, expired and revoked alike. */
export async function resolveShare(token: string, now = new Date()): Promise<ResolvedShare> {
  const found = await shareLinkState(token, now);
  if (found.state !== "live") throw notFound();
  return found.share;
}

/** True when the visitor may see the album: no password, or a valid access cookie. */
export function shareUnlocked(share: ResolvedShare, cookieValue: string | undefined, nowMs = Date.now()): boolean {
  if (!share.passwordHash) return true;
  return verifyShareAccess(authSecret(), cookieValue, share.id, share.passwordHash, nowMs);
}

export interface ShareUnlock {
  /** The value of the cookie that opens this link (shareCookieName). */
  access: string;
  /** A known-client cookie to set: this browser had none for this link. */
  setKnownClient: { name: string; value: string } | null;
}

/**
 * Checks the password. Wrong guesses lock the link for unknown clients after
 * MAX_FAILURES; a browser that has unlocked it before guesses against its own
 * known-client limit instead, so a stranger cannot lock out the people the
 * link was shared with once they have opened it (lib/auth/throttle.ts).
 */
export async function unlockShare(
  share: ResolvedShare,
  password: string,
  client: { address: string | null; cookies: Record<string, string | undefined> } = { address: null, cookies: {} },
): Promise<ShareUnlock> {
  if (!share.passwordHash) return { access: signShareAccess(authSecret(), share.id, ""), setKnownClient: null };
  const target = `share:${share.id}`;
  const cookieName = knownClientCookieName(target);
  const nonce = knownClientNonce(target, client.cookies[cookieName]);
  const limits = attemptLimits({ key: target, max: MAX_FAILURES }, client.address, nonce);
  const slot = await reserveAttempt(limits);
  if (!slot) throw new AppError("too_many_requests", "Too many wrong passwords for this link; try again in 15 minutes.");
  let ok: boolean;
  try {
    ok = await verifyPassword(password, share.passwordHash);
  } catch (err) {
    if (err instanceof HashingBusyError) await releaseAttempt(slot);
    throw err;
  }
  if (!ok) {
    await pruneAttempts();
    throw new AppError("unauthorized", "That password is not right.");
  }
  await releaseAttempt(slot);
  await forgiveFailures(limits);
  return {
    access: signShareAccess(authSecret(), share.id, share.passwordHash),
    setKnownClient: nonce ? null : { name: cookieName, value: issueKnownClient(target) },
  };
}

export async function recordShareView(shareId: string): Promise<void> {
  await db().shareLink.update({ where: { id: shareId }, data: { viewCount: { increment: 1 } } });
}

/** The photo's content hash when it is in the shared album; any other photo is a 404. */
export async function sharedPhotoHash(share: ResolvedShare, photoId: string): Promise<string> {
  const row = await db().albumPhoto.findFirst({
    where: { albumId: share.albumId, photoId },
    select: { photo: { select: { contentHash: true } } },
  });
  if (!row) throw notFound();
  return row.photo.contentHash;
}
