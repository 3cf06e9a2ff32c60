// Accounts, teams, roles and invitations against the real Postgres.
import { describe, expect, it } from "vitest";
import { signUp } from "@/lib/auth";
import { verifyPassword } from "@/lib/auth/password";
import { MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_ADDRESS, clientAddress, releaseAttempt, reserveAttempt, signInLimits } from "@/lib/auth/throttle";
import { db } from "@/lib/db";
import {
  acceptInvitation,
  changeRole,
  checkTeamRole,
  createInvitation,
  createTeam,
  listTeams,
  previewInvitation,
  removeMember,
  revokeInvitation,
} from "@/lib/teams";
import { errorCode } from "@/test/helpers/error-code";

let n = 0;
async function user(label: string) {
  const email = `${label}-${Date.now()}-${n++}@example.test`;
  const { userId, teamId } = await signUp({ email, name: label, password: "a-long-enough-password" });
  const u = { id: userId, email, name: label, currentTeamId: teamId };
  return { user: u, teamId };
}

describe("sign-up", () => {
  it("creates the user with a hashed password and an owned personal team", async () => {
    const { user: u, teamId } = await user("ann");
    const row = await db().user.findUniqueOrThrow({ where: { id: u.id } });
    expect(row.passwordHash).not.toContain("a-long-enough-password");
    expect(await verifyPassword("a-long-enough-password", row.passwordHash)).toBe(true);
    expect(await verifyPassword("a-long-enough-passwore", row.passwordHash)).toBe(false);
    expect(await listTeams(u.id)).toEqual([{ id: teamId, name: "ann's team", personal: true, role: "OWNER" }]);
  });

  it("refuses a second account with the same email", async () => {
    const { user: u } = await user("dup");
    await expect(signUp({ email: u.email, name: "x", password: "another-password-1" })).rejects.toThrow(/already exists/);
  });
});

describe("team access", () => {
  it("answers 404 to a non-member and 403 to a member below the role", async () => {
    const a = await user("a");
    const b = await user("b");
    expect(await errorCode(checkTeamRole(a.user, b.teamId, "VIEWER"))).toBe("not_found");
    expect(await errorCode(checkTeamRole(a.user, "no-such-team", "VIEWER"))).toBe("not_found");
    const inv = await createInvitation({ teamId: b.teamId, actor: { id: b.user.id, role: "OWNER" }, role: "VIEWER" });
    await acceptInvitation(inv.token, a.user.id);
    expect(await errorCode(checkTeamRole(a.user, b.teamId, "VIEWER"))).toBe("ok");
    expect(await errorCode(checkTeamRole(a.user, b.teamId, "MEMBER"))).toBe("forbidden");
  });

  it("keeps at least one owner and stops admins from touching owners", async () => {
    const o = await user("owner");
    const adm = await user("admin");
    const team = await createTeam(o.user.id, "Agency");
    const inv = await createInvitation({ teamId: team.id, actor: { id: o.user.id, role: "OWNER" }, role: "ADMIN" });
    await acceptInvitation(inv.token, adm.user.id);
    expect(await errorCode(changeRole(team.id, o.user.id, o.user.id, "MEMBER"))).toBe("bad_request");
    expect(await errorCode(removeMember(team.id, o.user.id, o.user.id))).toBe("bad_request");
    expect(await errorCode(changeRole(team.id, adm.user.id, o.user.id, "VIEWER"))).toBe("forbidden");
    expect(await errorCode(changeRole(team.id, adm.user.id, adm.user.id, "OWNER"))).toBe("forbidden");
    expect(await errorCode(createInvitation({ teamId: team.id, actor: { id: adm.user.id, role: "ADMIN" }, role: "OWNER" }))).toBe("forbidden");
    await changeRole(team.id, o.user.id, adm.user.id, "OWNER");
    await changeRole(team.id, adm.user.id, o.user.id, "MEMBER"); // two owners now, so this is allowed
    expect(await errorCode(checkTeamRole(o.user, team.id, "ADMIN"))).toBe("forbidden");
    await removeMember(team.id, adm.user.id, o.user.id);
    expect(await errorCode(checkTeamRole(o.user, team.id, "VIEWER"))).toBe("not_found");
  });
});

describe("invitations", () => {
  it("are single-use, expire, can be revoked, and store only a hash", async () => {
    const o = await user("inviter");
    const x = await user("x");
    const y = await user("y");
    const inv = await createInvitation({ teamId: o.teamId, actor: { id: o.user.id, role: "OWNER" }, role: "MEMBER" });
    const row = await db().invitation.findUniqueOrThrow({ where: { id: inv.id } });
    expect(row.tokenHash).not.toBe(inv.token);
    expect(await previewInvitation(inv.token)).toMatchObject({ teamId: o.teamId, role: "MEMBER" });
    expect(await acceptInvitation(inv.token, x.user.id)).toEqual({ teamId: o.teamId, role: "MEMBER" });
    expect(await errorCode(acceptInvitation(inv.token, y.user.id))).toBe("conflict");
    expect(await previewInvitation(inv.token)).toBeNull();

    const expired = await createInvitation({ teamId: o.teamId, actor: { id: o.user.id, role: "OWNER" }, role: "VIEWER" });
    await db().invitation.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await errorCode(acceptInvitation(expired.token, y.user.id))).toBe("not_found");

    const revoked = await createInvitation({ teamId: o.teamId, actor: { id: o.user.id, role: "OWNER" }, role: "VIEWER" });
    await revokeInvitation(o.teamId, revoked.id);
    expect(await errorCode(acceptInvitation(revoked.token, y.user.id))).toBe("not_found");
    // Another team cannot revoke this team's invitation.
    const other = await createInvitation({ teamId: o.teamId, actor: { id: o.user.id, role: "OWNER" }, role: "VIEWER" });
    expect(await errorCode(revokeInvitation(y.teamId, other.id))).toBe("not_found");
  });

  it("two concurrent accepts of one link admit only one person", async () => {
    const o = await user("race");
    const p = await user("p");
    const q = await user("q");
    const inv = await createInvitation({ teamId: o.teamId, actor: { id: o.user.id, role: "OWNER" }, role: "MEMBER" });
    const results = await Promise.all([errorCode(acceptInvitation(inv.token, p.user.id)), errorCode(acceptInvitation(inv.token, q.user.id))]);
    expect(results.sort()).toEqual(["conflict", "ok"]);
    expect(await db().membership.count({ where: { teamId: o.teamId } })).toBe(2);
  });
});

describe("sign-in throttling", () => {
  it("locks an account after repeated failures, whatever the address", async () => {
    const email = `throttle-${Date.now()}@example.test`;
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i++) expect(await reserveAttempt(signInLimits(email, `10.0.0.${i}`))).not.toBeNull();
    expect(await reserveAttempt(signInLimits(email, "10.9.9.9"))).toBeNull();
    expect(await reserveAttempt(signInLimits(`other-${email}`, "10.9.9.9"))).not.toBeNull();
  });

  it("parallel guesses cannot pass the limit while passwords are being checked", async () => {
    const key = `acct:race-${Date.now()}@example.test`;
    // 20 guesses at once against a limit of 5: at most 5 get to check a password.
    const slots = await Promise.all(Array.from({ length: 20 }, () => reserveAttempt([{ key, max: 5 }])));
    const granted = slots.filter((s) => s !== null).length;
    expect(granted).toBeLessThanOrEqual(5);
    // Refused guesses gave their slot back; a right password gives back its own.
    expect(await db().loginAttempt.count({ where: { key } })).toBe(granted);
    for (const s of slots) if (s) await releaseAttempt(s);
    expect(await db().loginAttempt.count({ where: { key } })).toBe(0);
    expect(await reserveAttempt([{ key, max: 5 }])).not.toBeNull();
  });

  it("keys by address only behind a trusted proxy", async () => {
    const headers = new Headers({ "x-forwarded-for": "203.0.113.9, 10.0.0.1" });
    const before = process.env.TRUST_PROXY;
    const { resetEnvCache } = await import("@/lib/env");
    try {
      process.env.TRUST_PROXY = "";
      resetEnvCache();
      expect(clientAddress(headers)).toBeNull();
      expect(signInLimits("a@b.c", null).map((l) => l.key)).toEqual(["acct:a@b.c"]);
      process.env.TRUST_PROXY = "1";
      resetEnvCache();
      // The last entry is the one the trusted proxy added; earlier ones are the client's own words.
      expect(clientAddress(headers)).toBe("10.0.0.1");
      expect(signInLimits("A@b.c", "10.0.0.1")).toEqual([
        { key: "acct:a@b.c", max: MAX_FAILURES_PER_ACCOUNT },
        { key: "ip:10.0.0.1", max: MAX_FAILURES_PER_ADDRESS },
      ]);
    } finally {
      if (before === undefined) delete process.env.TRUST_PROXY;
      else process.env.TRUST_PROXY = before;
      resetEnvCache();
    }
  });
});
