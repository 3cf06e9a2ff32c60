// The probe of issue 13, finding 9, re-measured: CPU of this process per
// anonymous GET /api/share/:token of a category album (which used to run the
// set's album refresh inside a transaction holding the set's lock) next to a
// custom album's, and what the refresh the old code ran on each view costs, for
// sets of 3 and 1,000 analysed photos.
//
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/probe13 STORAGE_DIR=/tmp/probe13 npx tsx test/bench/share-read-probe.ts
import { randomBytes } from "node:crypto";
import { NextRequest } from "next/server";
import { GET as shareGet } from "@/app/api/share/[token]/route";
import { db, ensureMigrated } from "@/lib/db";
import { createAlbum, listAlbums, refreshSetOrganization } from "@/lib/organize";
import { createShareLink } from "@/lib/share";

const ROUNDS = 40;

async function cpuPerCall(fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await fn(); // warm
  const c0 = process.cpuUsage();
  for (let i = 0; i < ROUNDS; i++) await fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / ROUNDS;
}

async function setOf(n: number) {
  const tag = randomBytes(3).toString("hex");
  const user = await db().user.create({ data: { email: `read-${tag}@example.test`, name: "R", passwordHash: "x" } });
  const team = await db().team.create({ data: { name: `read ${tag}`, memberships: { create: { userId: user.id, role: "OWNER" } } } });
  const set = await db().photoSet.create({ data: { teamId: team.id, name: "S", createdById: user.id } });
  await db().photo.createMany({
    data: Array.from({ length: n }, (_, i) => ({
      setId: set.id, teamId: team.id, contentHash: randomBytes(32).toString("hex"), originalName: `p${i}.jpg`, mimeType: "image/jpeg",
      sizeBytes: 1000, width: 800, height: 1000, state: "ANALYZED" as const, category: i % 2 ? "food" : "travel",
      qualityScore: (i % 97) / 10, instagramScore: (i % 89) / 10,
    })),
  });
  await refreshSetOrganization(set.id);
  const food = (await listAlbums(team.id, set.id)).find((a) => a.name === "Food")!;
  const ids = (await db().photo.findMany({ where: { setId: set.id, category: "food" }, select: { id: true } })).map((p) => p.id);
  const custom = await createAlbum(team.id, { name: "Mine", kind: "CUSTOM", photoIds: ids, suggestOrder: false });
  const view = async (albumId: string) => {
    const { token } = await createShareLink(team.id, user.id, albumId, {});
    return () => shareGet(new NextRequest(new URL(`/api/share/${token}`, "http://localhost:3000")), { params: Promise.resolve({ token }) }).then((r) => r.json());
  };
  return { setId: set.id, category: await view(food.id), custom: await view(custom.id) };
}

async function main(): Promise<void> {
  await ensureMigrated();
  for (const n of [3, 1000]) {
    const s = await setOf(n);
    const category = await cpuPerCall(s.category);
    const custom = await cpuPerCall(s.custom);
    const refresh = await cpuPerCall(() => refreshSetOrganization(s.setId));
    console.log(
      `${n} photos: share GET of a category album ${category.toFixed(1)} ms CPU, of a custom album ${custom.toFixed(1)} ms; ` +
        `the refresh each view used to add: ${refresh.toFixed(1)} ms (this process; Postgres' own work not counted)`,
    );
  }
}

main()
  .then(() => process.exit(0))
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
