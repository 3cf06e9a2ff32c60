import { describe, expect, it } from "vitest";
import { hashShareToken, looksLikeShareToken, newShareToken } from "@/lib/share/token";
import { signShareAccess, verifyShareAccess, SHARE_ACCESS_TTL_S } from "@/lib/share/cookie";

describe("share tokens", () => {
  it("are 256 random bits, base64url, and only their SHA-256 is kept", () => {
    const a = newShareToken();
    const b = newShareToken();
    expect(a.token).not.toBe(b.token);
    expect(Buffer.from(a.token, "base64url")).toHaveLength(32);
    expect(looksLikeShareToken(a.token)).toBe(true);
    expect(a.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.tokenHash).toBe(hashShareToken(a.token));
    expect(a.tokenHash).not.toContain(a.token);
  });
  it("rejects malformed tokens before any look-up", () => {
    expect(looksLikeShareToken("short")).toBe(false);
    expect(looksLikeShareToken(`${"a".repeat(42)}/`)).toBe(false);
  });
});

describe("share access cookie", () => {
  const secret = "s".repeat(32);
  const now = Date.UTC(2026, 10, 27);
  it("opens only the share it was made for, with the password it was made with, until it expires", () => {
    const v = signShareAccess(secret, "share1", "hash1", now);
    expect(verifyShareAccess(secret, v, "share1", "hash1", now + 1000)).toBe(true);
    expect(verifyShareAccess(secret, v, "share2", "hash1", now)).toBe(false);
    expect(verifyShareAccess(secret, v, "share1", "hash2", now)).toBe(false); // password changed
    expect(verifyShareAccess("t".repeat(32), v, "share1", "hash1", now)).toBe(false);
    expect(verifyShareAccess(secret, v, "share1", "hash1", now + SHARE_ACCESS_TTL_S * 1000 + 1)).toBe(false);
  });
  it("refuses tampered or missing values", () => {
    const v = signShareAccess(secret, "share1", "hash1", now);
    const [exp, sig] = v.split(".");
    expect(verifyShareAccess(secret, `${Number(exp) + 9999}.${sig}`, "share1", "hash1", now)).toBe(false);
    expect(verifyShareAccess(secret, `${exp}.${sig}x`, "share1", "hash1", now)).toBe(false);
    expect(verifyShareAccess(secret, undefined, "share1", "hash1", now)).toBe(false);
    expect(verifyShareAccess(secret, "garbage", "share1", "hash1", now)).toBe(false);
  });
});
