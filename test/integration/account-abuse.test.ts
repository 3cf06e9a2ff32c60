// Account abuse, at the lib level against the real Postgres: a stranger's wrong
// guesses cannot lock the owner out of a browser that signed in before; such a
// browser is itself limited; sign-up says the same for new and taken e-mails
// and is limited per address; a share link's lock spares browsers that opened it.
import { describe, expect, it } from "vitest";
import { SIGN_UP_ANSWER, signUp, signUpRequest } from "@/lib/auth";
import { checkSignIn, LOCKED_MESSAGE } from "@/lib/auth/sign-in";
import { knownClientCookieName } from "@/lib/auth/known-client";
import { accountKey, MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_KNOWN_CLIENT, maxSignUpsPerAddress } from "@/lib/auth/throttle";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { createAlbum, createAlbumSchema } from "@/lib/organize";
import { createShareLink, resolveShare, unlockShare } from "@/lib/share";
import { errorCode } from "@/test/helpers/error-code";

let n = 0;
const PASSWORD = "a-long-enough-password";

async function account(label: string) {
  const email = `${label}-${Date.now()}-${n++}@example.test`;
  const ids = await signUp({ email, name: label, password: PASSWORD });
  return { email, ...ids };
}

const stranger = { address: null, cookies: {} };

async function attempt(email: string, password: string, client: { address: string | null; cookies: Record<string, string> }) {
  try {
    return { result: await checkSignIn({ email, password, ...client }), error: null };
  } catch (err) {
    if (err instanceof AppError) return { result: null, error: err };
    throw err;
  }
}

describe("sign-in lockout spares known clients", () => {
  it("a stranger's wrong guesses lock out strangers, not the browser the owner signed in with", async () => {
    const a = await account("owner");
    const first = await attempt(a.email, PASSWORD, stranger);
    const cookie = first.result!.setCookie!;
    const owner = { address: null, cookies: { [cookie.name]: cookie.value } };

    for (let i = 0; i <= MAX_FAILURES_PER_ACCOUNT; i++) await attempt(a.email, `wrong-${i}-password`, stranger);
    const locked = await attempt(a.email, PASSWORD, stranger);
    expect(locked.error?.code).toBe("too_many_requests");
    expect(locked.error?.message).toBe(LOCKED_MESSAGE);

    const back = await attempt(a.email, PASSWORD, owner);
    expect(back.result?.user.id).toBe(a.userId);
    expect(back.result?.setCookie).toBeNull(); // it already had one
    // The owner's success does not forgive the stranger's guesses.
    expect((await attempt(a.email, PASSWORD, stranger)).error?.code).toBe("too_many_requests");
  });

  it("a known client has its own limit (a stolen cookie is not a free pass)", async () => {
    const a = await account("known");
    const cookie = (await attempt(a.email, PASSWORD, stranger)).result!.setCookie!;
    const known = { address: null, cookies: { [cookie.name]: cookie.value } };
    for (let i = 0; i < MAX_FAILURES_PER_KNOWN_CLIENT; i++) expect((await attempt(a.email, `wrong-${i}-password`, known)).result).toBeNull();
    expect((await attempt(a.email, PASSWORD, known)).error?.code).toBe("too_many_requests");
    // Its guesses did not touch the account's own limit.
    expect((await attempt(a.email, PASSWORD, stranger)).result?.user.id).toBe(a.userId);
  });

  it("a cookie earned on one account opens no lock on another", async () => {
    const mine = await account("mine");
    const theirs = await account("theirs");
    const cookie = (await attempt(mine.email, PASSWORD, stranger)).result!.setCookie!;
    for (let i = 0; i <= MAX_FAILURES_PER_ACCOUNT; i++) await attempt(theirs.email, `wrong-${i}-password`, stranger);
    // Even under the other account's cookie name, a cookie bound to another target is not known.
    const forged = { address: null, cookies: { [knownClientCookieName(accountKey(theirs.email))]: cookie.value } };
    expect((await attempt(theirs.email, PASSWORD, forged)).error?.code).toBe("too_many_requests");
  });
});

describe("sign-up", () => {
  it("answers the same for a new and a taken e-mail, and changes nothing for the taken one", async () => {
    const email = `taken-${Date.now()}-${n++}@example.test`;
    const fresh = await signUpRequest({ email, name: "First", password: PASSWORD }, null);
    const again = await signUpRequest({ email, name: "Second", password: "another-password-42" }, null);
    expect(fresh).toEqual({ message: SIGN_UP_ANSWER });
    expect(again).toEqual(fresh);
    expect(await db().user.count({ where: { email } })).toBe(1);
    expect((await attempt(email, PASSWORD, stranger)).result).not.toBeNull();
    expect((await attempt(email, "another-password-42", stranger)).result).toBeNull();
  });

  it("parallel sign-ups for one e-mail make one account and the same answers", async () => {
    const email = `race-${Date.now()}-${n++}@example.test`;
    const answers = await Promise.all(Array.from({ length: 4 }, (_, i) => signUpRequest({ email, name: `R${i}`, password: PASSWORD }, null)));
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(await db().user.count({ where: { email } })).toBe(1);
  });

  it("is limited per client address when the address is known", async () => {
    const address = `192.0.2.${(process.pid + n++) % 250}`;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        errorCode(signUpRequest({ email: `burst-${Date.now()}-${i}-${n}@example.test`, name: "Burst", password: PASSWORD }, address)),
      ),
    );
    const ok = results.filter((r) => r === "ok").length;
    console.log(`20 parallel sign-ups from one address: ${ok} accepted, ${20 - ok} refused (too_many_requests)`);
    expect(ok).toBeLessThanOrEqual(maxSignUpsPerAddress());
    expect(maxSignUpsPerAddress()).toBe(5); // the default
    expect(results.filter((r) => r === "too_many_requests").length).toBe(20 - ok);
    // Another address is not affected.
    expect(await errorCode(signUpRequest({ email: `other-${Date.now()}-${n++}@example.test`, name: "O", password: PASSWORD }, "192.0.2.251"))).toBe("ok");
  });
});

describe("share-link lockout spares browsers that opened the link", () => {
  it("after 20 wrong passwords strangers wait, a browser that unlocked before does not", async () => {
    const a = await account("sharer");
    const album = await createAlbum(a.teamId, createAlbumSchema.parse({ name: "shared" }));
    const link = await createShareLink(a.teamId, a.userId, album.id, { password: "open sesame", allowDownload: false, includeNames: false });
    const share = await resolveShare(link.token);
    const first = await unlockShare(share, "open sesame", stranger);
    const visitor = { address: null, cookies: { [first.setKnownClient!.name]: first.setKnownClient!.value } };
    for (let i = 0; i < 20; i++) expect(await errorCode(unlockShare(share, `nope-${i}`, stranger))).toBe("unauthorized");
    expect(await errorCode(unlockShare(share, "open sesame", stranger))).toBe("too_many_requests");
    const again = await unlockShare(share, "open sesame", visitor);
    expect(again.access).toBeTruthy();
    expect(again.setKnownClient).toBeNull();
  });
});
