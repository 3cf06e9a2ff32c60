// Known-client cookies: genuine ones name their nonce; a cookie for one
// target opens nothing on another; forged and mangled values are nobody.
import { describe, expect, it } from "vitest";
import { issueKnownClient, knownClientCookieName, knownClientNonce } from "@/lib/auth/known-client";

process.env.NEXTAUTH_SECRET ??= "unit-test-secret-0123456789abcdef";

describe("known-client cookies", () => {
  it("a genuine cookie gives its nonce back, for its own target only", () => {
    const value = issueKnownClient("acct:ann@example.test");
    const nonce = knownClientNonce("acct:ann@example.test", value);
    expect(nonce).toBe(value.split(".")[0]);
    expect(knownClientNonce("acct:bob@example.test", value)).toBeNull();
    expect(knownClientNonce("share:abc", value)).toBeNull();
    expect(issueKnownClient("acct:ann@example.test")).not.toBe(value);
  });

  it("forged, empty and mangled values are refused", () => {
    const value = issueKnownClient("acct:ann@example.test");
    const [nonce, sig] = value.split(".");
    for (const bad of [undefined, null, "", "x", `${nonce}.`, `.${sig}`, `${nonce}x.${sig}`, `${nonce}.${sig}x`, `${nonce}.${"A".repeat(sig!.length)}`]) {
      expect(knownClientNonce("acct:ann@example.test", bad), String(bad)).toBeNull();
    }
  });

  it("cookie names depend on the target but do not show it", () => {
    const a = knownClientCookieName("acct:ann@example.test");
    expect(a).toMatch(/^kc_[0-9a-f]{16}$/);
    expect(a).toBe(knownClientCookieName("acct:ann@example.test"));
    expect(a).not.toBe(knownClientCookieName("acct:bob@example.test"));
  });
});
