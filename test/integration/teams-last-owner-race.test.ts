// The last-owner rule under concurrency, on the real Postgres: two owners who
// demote (or remove) each other at the same moment must not leave the team
// without an owner. Each case runs on many teams at once so the interleaving
// that broke it (both read "2 owners", both write) happens every run, not by luck.
import { describe, expect, it } from "vitest";
import { signUp } from "@/lib/auth";
import { db } from "@/lib/db";
import { acceptInvitation, changeRole, createInvitation, createTeam, removeMember } from "@/lib/teams";
import { errorCode } from "@/test/helpers/error-code";

const TEAMS = 12;
let n = 0;

async function newUserId(label: string): Promise<string> {
  const email = `${label}-${Date.now()}-${n++}@example.test`;
  return (await signUp({ email, name: label, password: "a-long-enough-password" })).userId;
}

/** A team with two owners, a and b. */
async function twoOwnerTeam(): Promise<{ teamId: string; a: string; b: string }> {
  const a = await newUserId("own-a");
  const b = await newUserId("own-b");
  const team = await createTeam(a, "Two owners");
  const inv = await createInvitation({ teamId: team.id, actor: { id: a, role: "OWNER" }, role: "OWNER" });
  await acceptInvitation(inv.token, b);
  return { teamId: team.id, a, b };
}

/** The teams are set up one after another: sign-up hashes passwords through a bounded gate that answers "busy" to a crowd. Only the changes race. */
async function twoOwnerTeams(): Promise<{ teamId: string; a: string; b: string }[]> {
  const teams: { teamId: string; a: string; b: string }[] = [];
  for (let i = 0; i < TEAMS; i++) teams.push(await twoOwnerTeam());
  return teams;
}

async function ownersOf(teamId: string): Promise<number> {
  return db().membership.count({ where: { teamId, role: "OWNER" } });
}

describe("a team keeps an owner under concurrent changes", () => {
  it("two owners demoting each other at once: one wins, the other is refused", async () => {
    const teams = await twoOwnerTeams();
    const results = await Promise.all(
      teams.map(({ teamId, a, b }) =>
        Promise.all([
          errorCode(changeRole(teamId, a, b, "VIEWER")),
          errorCode(changeRole(teamId, b, a, "VIEWER")),
        ]),
      ),
    );
    for (const [i, { teamId }] of teams.entries()) {
      expect(await ownersOf(teamId), `team ${i}: ${results[i]!.join(", ")}`).toBe(1);
      // The second, re-reading under the team's lock, finds itself demoted already.
      expect([...results[i]!].sort(), `team ${i}`).toEqual(["forbidden", "ok"]);
    }
  });

  it("two owners removing each other (or both leaving) at once leave one owner", async () => {
    const teams = await twoOwnerTeams();
    await Promise.all(
      teams.map(({ teamId, a, b }, i) =>
        Promise.all(
          i % 2 === 0
            ? [errorCode(removeMember(teamId, a, b)), errorCode(removeMember(teamId, b, a))]
            : [errorCode(removeMember(teamId, a, a)), errorCode(removeMember(teamId, b, b))],
        ),
      ),
    );
    for (const [i, { teamId }] of teams.entries()) {
      expect(await ownersOf(teamId), `team ${i}`).toBe(1);
      expect(await db().membership.count({ where: { teamId } }), `team ${i}`).toBe(1);
    }
  });

  it("a demotion racing a removal of the other owner leaves one owner", async () => {
    const teams = await twoOwnerTeams();
    await Promise.all(
      teams.map(({ teamId, a, b }) =>
        Promise.all([errorCode(changeRole(teamId, a, a, "MEMBER")), errorCode(removeMember(teamId, b, b))]),
      ),
    );
    for (const [i, { teamId }] of teams.entries()) expect(await ownersOf(teamId), `team ${i}`).toBe(1);
  });
});
