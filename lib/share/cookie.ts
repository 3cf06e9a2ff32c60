// After the right password, the visitor gets a cookie that unlocks that one
// share link: HMAC-SHA256 over (share id, expiry, a fingerprint of the password
// hash) with the app's secret. Changing the password or revoking the link makes
// old cookies useless; a cookie for one link never opens another.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export const SHARE_ACCESS_TTL_S = 12 * 60 * 60;

export function shareCookieName(shareId: string): string {
  return `share_${shareId}`;
}

function mac(secret: string, shareId: string, exp: number, passwordHash: string): string {
  const pw = createHash("sha256").update(passwordHash).digest("base64url");
  return createHmac("sha256", secret).update(`share-access\n${shareId}\n${exp}\n${pw}`).digest("base64url");
}

export function signShareAccess(secret: string, shareId: string, passwordHash: string, nowMs = Date.now()): string {
  const exp = Math.floor(nowMs / 1000) + SHARE_ACCESS_TTL_S;
  return `${exp}.${mac(secret, shareId, exp, passwordHash)}`;
}

export function verifyShareAccess(
  secret: string,
  value: string | undefined,
  shareId: string,
  passwordHash: string,
  nowMs = Date.now(),
): boolean {
  if (!value) return false;
  const [expStr, sig] = value.split(".");
  const exp = Number(expStr);
  if (!sig || !Number.isInteger(exp) || exp * 1000 <= nowMs) return false;
  const want = Buffer.from(mac(secret, shareId, exp, passwordHash));
  const got = Buffer.from(sig);
  return got.length === want.length && timingSafeEqual(got, want);
}
