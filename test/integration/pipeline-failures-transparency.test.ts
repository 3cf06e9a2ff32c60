// Two things the image pipeline must get right for people (issue 14):
// - "Retry failed" offers only what can succeed: a file refused for its content
//   (truncated JPEG, pixel bomb) stays failed, an analysis failure is retried
//   (item 6);
// - transparent PNGs are shown and measured on neutral grey, not flattened onto
//   white: white artwork on alpha keeps its detail, and images with no detail
//   are never grouped as near-duplicates (item 4).
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { getSetProgress } from "@/lib/analysis";
import { requeueFailed } from "@/lib/runs";
import { db } from "@/lib/db";
import { ingestFile } from "@/lib/images/ingest";
import { processPendingPhotos } from "@/lib/images/pipeline";
import { storage } from "@/lib/storage";
import { sceneJpeg } from "@/test/helpers/images";
import { teamWithSet } from "@/test/helpers/ingest-fixture";

/** White shapes on a transparent canvas: a logo or a cut-out. */
async function whiteOnAlpha(shape: "circle" | "bars" | "triangle"): Promise<Buffer> {
  const body = {
    circle: '<circle cx="200" cy="150" r="90" fill="white"/>',
    bars: '<rect x="40" y="40" width="60" height="220" fill="white"/><rect x="240" y="40" width="60" height="220" fill="white"/>',
    triangle: '<polygon points="200,20 380,280 20,280" fill="white"/>',
  }[shape];
  return sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300">${body}</svg>`)).png().toBuffer();
}

describe("the image pipeline's answers", () => {
  it("Retry failed retries an analysis failure but not a file refused for its content", async () => {
    const { team, set } = await teamWithSet();
    const good = await ingestFile({ teamId: team.id, setId: set.id, originalName: "good.jpg", buffer: await sceneJpeg(31) });
    const truncated = await ingestFile({ teamId: team.id, setId: set.id, originalName: "cut.jpg", buffer: (await sceneJpeg(32, 800, 600)).subarray(0, 3000) });
    await processPendingPhotos({ setId: set.id });
    const cut = await db().photo.findUniqueOrThrow({ where: { id: truncated.photoId } });
    expect(cut).toMatchObject({ state: "FAILED", unreadable: true });
    expect(cut.stateReason).toMatch(/truncated/);
    // The model's answer for the good photo failed (a provider outage, say).
    await db().photo.update({ where: { id: good.photoId }, data: { state: "FAILED", failedStage: "ANALYSIS", stateReason: "The provider answered 500 five times." } });

    const before = await getSetProgress(set.id);
    expect(before.counts.FAILED).toBe(2);
    expect(before.retryableFailed).toBe(1);
    expect(await requeueFailed(set.id)).toEqual({ images: 0, analyses: 1 });
    expect((await db().photo.findUniqueOrThrow({ where: { id: good.photoId } })).state).toBe("QUEUED");
    expect(await db().photo.findUniqueOrThrow({ where: { id: truncated.photoId } })).toMatchObject({ state: "FAILED", unreadable: true });
    // Nothing left that a retry could help.
    expect((await getSetProgress(set.id)).retryableFailed).toBe(0);
    expect(await requeueFailed(set.id)).toEqual({ images: 0, analyses: 0 });
  });

  it("shows and measures white-on-transparent artwork on grey, and never groups unrelated images for lack of detail", async () => {
    const { team, set } = await teamWithSet();
    const ids: string[] = [];
    for (const shape of ["circle", "bars", "triangle"] as const) {
      ids.push((await ingestFile({ teamId: team.id, setId: set.id, originalName: `${shape}.png`, buffer: await whiteOnAlpha(shape) })).photoId);
    }
    const blank = await sharp({ create: { width: 300, height: 200, channels: 4, background: { r: 255, g: 255, b: 255, alpha: 0 } } }).png().toBuffer();
    const blankTwin = await sharp({ create: { width: 320, height: 240, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    ids.push((await ingestFile({ teamId: team.id, setId: set.id, originalName: "empty-a.png", buffer: blank })).photoId);
    ids.push((await ingestFile({ teamId: team.id, setId: set.id, originalName: "empty-b.png", buffer: blankTwin })).photoId);
    await processPendingPhotos({ setId: set.id });

    const photos = await db().photo.findMany({ where: { id: { in: ids } }, orderBy: { originalName: "asc" } });
    const byName = Object.fromEntries(photos.map((p) => [p.originalName, p]));
    for (const name of ["circle.png", "bars.png", "triangle.png"]) {
      const p = byName[name]!;
      expect(p.state, name).toBe("QUEUED");
      expect(p.phash, name).not.toBeNull();
      expect(p.sharpness, name).toBeGreaterThan(0); // white on white measured 0
      // The thumbnail shows the artwork: light pixels on a grey backdrop, not a blank white square.
      const { data } = await sharp(await storage().get(p.contentHash, "thumb")).greyscale().raw().toBuffer({ resolveWithObject: true });
      const levels = Array.from(data);
      expect(Math.min(...levels), name).toBeLessThan(160);
      expect(Math.max(...levels), name).toBeGreaterThan(230);
    }
    // Images with no detail get no hash: nothing to compare, so never grouped.
    expect(byName["empty-a.png"]!.phash).toBeNull();
    expect(byName["empty-b.png"]!.phash).toBeNull();
    expect(photos.every((p) => p.duplicateGroupId === null)).toBe(true);
    expect(await db().duplicateGroup.count({ where: { setId: set.id } })).toBe(0);
  });
});
