// "Retry failed" sends each photo back to the stage it failed in: a photo the
// image pipeline never finished goes back to the pipeline (in the analysis
// queue it would fail again for want of an analysis image), an analysis
// failure goes back to the analysis queue.
import { beforeAll, expect, it } from "vitest";
import { requeueFailed } from "@/lib/runs";
import { db, ensureMigrated } from "@/lib/db";
import { seedQueuedSet } from "@/test/fixtures/seed";

beforeAll(async () => {
  await ensureMigrated();
});

it("retry failed: pipeline failures to the pipeline, analysis failures to the analysis queue", async () => {
  const s = await seedQueuedSet("retry", 4);
  const [crashed, corrupt, rejected, fine] = s.photoIds as [string, string, string, string];
  await db().photo.updateMany({ where: { id: { in: [crashed, corrupt] } }, data: { state: "FAILED", failedStage: "PIPELINE", preparedAt: null, phash: null, width: null, height: null, attempts: 3, stateReason: "Processing crashed 3 times" } });
  await db().photo.update({ where: { id: rejected }, data: { state: "FAILED", failedStage: "ANALYSIS", phash: "0123456789abcdef", attempts: 4, stateReason: "invalid answer" } });
  await db().photo.update({ where: { id: fine }, data: { state: "ANALYZED", phash: "fedcba9876543210" } });

  expect(await requeueFailed(s.setId)).toEqual({ images: 2, analyses: 1 });
  const rows = await db().photo.findMany({ where: { setId: s.setId }, select: { id: true, state: true, attempts: true, stateReason: true } });
  const byId = new Map(rows.map((r) => [r.id, r]));
  expect(byId.get(crashed)).toMatchObject({ state: "UPLOADED", attempts: 0, stateReason: null });
  expect(byId.get(corrupt)).toMatchObject({ state: "UPLOADED", attempts: 0 });
  expect(byId.get(rejected)).toMatchObject({ state: "QUEUED", attempts: 0, stateReason: null });
  expect(byId.get(fine)?.state).toBe("ANALYZED");
  expect(await requeueFailed(s.setId)).toEqual({ images: 0, analyses: 0 });
});
