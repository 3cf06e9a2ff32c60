// The lifecycle's transitions record the stages they pass (lib/photos/lifecycle.ts):
// prepared sets preparedAt and the measurement version, a failure names its
// stage, and every way out of FAILED clears it. Driven through the real
// pipeline and the lifecycle's own functions on real Postgres.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { MEASUREMENT_VERSION } from "@/lib/images/measurement-version";
import { ingestFile, MAX_ATTEMPTS, processPendingPhotos } from "@/lib/images/pipeline";
import { analysisEnded, claimForAnalysis, claimForPipeline, isFailedInPipeline, requeue, requeueForRerun, retryFailed } from "@/lib/photos";
import { sceneJpeg } from "@/test/helpers/images";
import { teamWithSet } from "@/test/helpers/ingest-fixture";

const stages = (id: string) =>
  db().photo.findUniqueOrThrow({ where: { id }, select: { state: true, preparedAt: true, failedStage: true, measuredVersion: true, unreadable: true, width: true } });

describe("photo lifecycle stages", () => {
  it("prepared, failedInPipeline, failedAnalysis and the retries write and clear the stage columns", async () => {
    const { team, set } = await teamWithSet();
    const add = async (name: string, buffer: Buffer) => (await ingestFile({ teamId: team.id, setId: set.id, originalName: name, buffer })).photoId;
    const good = await add("good.jpg", await sceneJpeg(901));
    const cut = await add("cut.jpg", (await sceneJpeg(902, 800, 600)).subarray(0, 3000));
    expect(await stages(good)).toMatchObject({ state: "UPLOADED", preparedAt: null, failedStage: null, measuredVersion: null });

    const before = Date.now();
    expect(await processPendingPhotos({ setId: set.id })).toBe(2);
    const prepared = await stages(good);
    expect(prepared).toMatchObject({ state: "QUEUED", failedStage: null, measuredVersion: MEASUREMENT_VERSION });
    expect(prepared.preparedAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(await stages(cut)).toMatchObject({ state: "FAILED", preparedAt: null, failedStage: "PIPELINE", unreadable: true, measuredVersion: null });

    // The analysis fails: the failure is recorded as the analysis stage's.
    const claimed = await claimForAnalysis({ setId: set.id }, "test-owner", 10, 60_000);
    expect(claimed.map((c) => c.id)).toEqual([good]);
    expect(await analysisEnded([{ id: good, state: "FAILED", reason: "unusable answer" }])).toEqual([set.id]);
    expect(await stages(good)).toMatchObject({ state: "FAILED", failedStage: "ANALYSIS" });
    expect(isFailedInPipeline(await stages(good))).toBe(false);
    expect(isFailedInPipeline(await stages(cut))).toBe(true);

    // Retry: the analysis failure goes back to the queue with its stage cleared; the refused file stays.
    expect(await retryFailed(set.id)).toEqual({ images: 0, analyses: 1 });
    expect(await stages(good)).toMatchObject({ state: "QUEUED", failedStage: null, preparedAt: prepared.preparedAt });
    expect(await stages(cut)).toMatchObject({ state: "FAILED", failedStage: "PIPELINE" });
    // Re-analyse and re-run never take a photo the pipeline could not prepare.
    expect(await requeue(team.id, [good, cut])).toBe(1);
    await claimForAnalysis({ setId: set.id }, "test-owner", 10, 60_000);
    await analysisEnded([{ id: good, state: "FAILED", reason: "again" }]);
    expect(await requeueForRerun(set.id)).toBe(1);
    expect(await stages(good)).toMatchObject({ state: "QUEUED", failedStage: null });
  });

  it("crashedInPipeline records the pipeline stage, and Retry failed sends it back to the pipeline with the stage cleared", async () => {
    const { team, set } = await teamWithSet();
    const id = (await ingestFile({ teamId: team.id, setId: set.id, originalName: "crasher.jpg", buffer: await sceneJpeg(903) })).photoId;
    // Claimed MAX_ATTEMPTS times by workers that died: the lease ran out with the photo in hand.
    await db().photo.update({ where: { id }, data: { state: "PROCESSING", attempts: MAX_ATTEMPTS, leaseOwner: "dead", leaseExpiresAt: new Date(Date.now() - 1000) } });
    const claim = await claimForPipeline("test-owner", set.id, 60_000, MAX_ATTEMPTS);
    expect(claim).toMatchObject({ crashed: { id, attempts: MAX_ATTEMPTS } });
    expect(await stages(id)).toMatchObject({ state: "FAILED", failedStage: "PIPELINE", unreadable: false, preparedAt: null });

    expect(await retryFailed(set.id)).toEqual({ images: 1, analyses: 0 });
    expect(await stages(id)).toMatchObject({ state: "UPLOADED", failedStage: null });
    expect(await processPendingPhotos({ setId: set.id })).toBe(1);
    expect(await stages(id)).toMatchObject({ state: "QUEUED", failedStage: null, measuredVersion: MEASUREMENT_VERSION });
  });
});
