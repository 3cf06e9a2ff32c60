// Derived state follows the data, not page views (issue 14, item 3): when the
// engine's writer saves results that change which copy of a near-duplicate
// group should be kept, the keeper and Best picks are brought up to date by
// the hook the server wires (onResultsWritten -> requestRefresh), without
// anyone opening the Albums page - the Photos tab and the duplicates API used
// to name the old keeper until someone did.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ResultWriter, type Flushed } from "@/lib/analysis/writer";
import { db } from "@/lib/db";
import type { StoredAnalysis } from "@/lib/llama/types";
import { requestRefresh } from "@/lib/organize";
import { listDuplicateGroupIds } from "@/lib/sets";
import { until } from "@/test/helpers/faults-wait";

const box = { x: 0, y: 0, width: 1, height: 1 };
const answer = (score: number): StoredAnalysis => ({
  source: "ai",
  description: "a beach",
  category: "travel",
  tags: [],
  quality: { score, reason: "ok" },
  instagram: { score, reason: "ok" },
  caption: "c",
  hashtags: [],
  altText: "a",
  crops: { "4:5": box, "1:1": box, "1.91:1": box },
  problems: [],
});

describe("keepers and albums follow results as they are written", () => {
  it("a score that changes the keeper is reflected without any page view", async () => {
    const suffix = randomBytes(4).toString("hex");
    const user = await db().user.create({ data: { email: `k-${suffix}@example.test`, name: "K", passwordHash: "x" } });
    const team = await db().team.create({ data: { name: `t ${suffix}`, memberships: { create: { userId: user.id, role: "OWNER" } } } });
    const set = await db().photoSet.create({ data: { teamId: team.id, name: "Burst", createdById: user.id } });
    const group = await db().duplicateGroup.create({ data: { setId: set.id } });
    // Two shots of a burst, same size: before any score the sharper one is the keeper (as the pipeline left it).
    const shot = (name: string, sharpness: number) =>
      db().photo.create({
        data: {
          setId: set.id, teamId: team.id, contentHash: randomBytes(32).toString("hex"), originalName: name, mimeType: "image/jpeg",
          sizeBytes: 1000, width: 2000, height: 1500, sharpness, state: "ANALYZING", duplicateGroupId: group.id,
        },
      });
    const sharper = await shot("burst-1.jpg", 300);
    const better = await shot("burst-2.jpg", 250);
    await db().duplicateGroup.update({ where: { id: group.id }, data: { keeperPhotoId: sharper.id } });

    const flushed: Flushed[] = [];
    const writer = new ResultWriter(
      { provider: "llama", model: "m", promptVersion: `v-${suffix}` },
      (f) => {
        flushed.push(f);
        f.setIds.forEach(requestRefresh); // what lib/server/background.ts and npm run worker wire
      },
      (err) => {
        throw err;
      },
    );
    // The model scores the second shot higher: a person would keep that one.
    writer.analyzed({ photoId: sharper.id, teamId: team.id, contentHash: sharper.contentHash, analysis: answer(5), tokens: 10 });
    writer.analyzed({ photoId: better.id, teamId: team.id, contentHash: better.contentHash, analysis: answer(8), tokens: 10 });
    await writer.flush();
    writer.close();
    expect(flushed.flatMap((f) => f.setIds)).toEqual([set.id]);

    // Read the way the Photos tab does (it never refreshes anything).
    await until(async () => (await listDuplicateGroupIds(team.id, set.id))[0]?.keeperPhotoId === better.id, 20_000, "the keeper to follow the scores");
    const best = await db().album.findFirst({ where: { setId: set.id, kind: "BEST" }, select: { photos: { select: { photoId: true } } } });
    expect(best?.photos.map((p) => p.photoId)).toEqual([better.id]);
  });
});
