// Share links and exports against the real Postgres and the real storage.
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { exportSetToDirectory } from "@/lib/export";
import { listAlbums, refreshSetOrganization } from "@/lib/organize";
import {
  createShareLink,
  listShareLinks,
  recordShareView,
  resolveShare,
  revokeShareLink,
  sharedPhotoHash,
  shareUnlocked,
  unlockShare,
} from "@/lib/share";
import { storage } from "@/lib/storage";
import { stagesFor } from "@/test/fixtures/photo-stages";
import { errorCode } from "@/test/helpers/error-code";

const box = { x: 0, y: 0, width: 1, height: 1 };

async function fixture() {
  const suffix = randomBytes(4).toString("hex");
  const user = await db().user.create({ data: { email: `s-${suffix}@example.test`, name: "Sam", passwordHash: "x" } });
  const team = await db().team.create({ data: { name: `team ${suffix}` } });
  const set = await db().photoSet.create({ data: { teamId: team.id, name: "Trip", createdById: user.id } });
  async function photo(category: "food" | "travel", score: number, name: string) {
    const original = await sharp({ create: { width: 640, height: 480, channels: 3, background: "#336699" } }).jpeg().toBuffer();
    const contentHash = randomBytes(32).toString("hex");
    await storage().put(contentHash, "original", original);
    const analysis = await db().analysisCache.create({
      data: {
        teamId: team.id,
        contentHash,
        provider: "llama",
        model: "m",
        promptVersion: "v1",
        result: {
          source: "ai", description: "d", category, tags: ["tag1"], quality: { score, reason: "r" }, instagram: { score, reason: "r" },
          caption: `Caption, "${name}"`, hashtags: ["#one", "two"], altText: `Alt ${name}`, crops: { "4:5": box, "1:1": box, "1.91:1": box }, problems: [],
        },
      },
    });
    return db().photo.create({
      data: {
        setId: set.id, teamId: team.id, contentHash, originalName: `${name}.jpg`, mimeType: "image/jpeg", sizeBytes: original.length,
        width: 640, height: 480, state: "ANALYZED", ...stagesFor("ANALYZED", 640), analysisId: analysis.id, category, qualityScore: score, instagramScore: score,
      },
    });
  }
  return { user, team, set, photo };
}

describe("share links", () => {
  it("resolves a live token, 404s for wrong, expired and revoked ones, and serves only the album's photos", async () => {
    const f = await fixture();
    const food = await f.photo("food", 8, "pasta");
    const travel = await f.photo("travel", 7, "road");
    await refreshSetOrganization(f.set.id); // what the engine does when results land
    const album = (await listAlbums(f.team.id, f.set.id)).find((a) => a.name === "Food")!;
    const now = new Date();
    const link = await createShareLink(f.team.id, f.user.id, album.id, { allowDownload: true, expiresInDays: 1 }, now);
    expect(link.path).toBe(`/s/${link.token}`);
    const stored = await db().shareLink.findUniqueOrThrow({ where: { id: link.id } });
    expect(stored.tokenHash).not.toContain(link.token);

    const share = await resolveShare(link.token);
    expect(share).toMatchObject({ albumId: album.id, allowDownload: true });
    expect(shareUnlocked(share, undefined)).toBe(true);
    expect(await sharedPhotoHash(share, food.id)).toBe(food.contentHash);
    expect(await errorCode(sharedPhotoHash(share, travel.id))).toBe("not_found");

    expect(await errorCode(resolveShare(`${link.token.slice(0, -1)}${link.token.endsWith("A") ? "B" : "A"}`))).toBe("not_found");
    expect(await errorCode(resolveShare("nope"))).toBe("not_found");
    expect(await errorCode(resolveShare(link.token, new Date(now.getTime() + 2 * 86_400_000)))).toBe("not_found");

    await recordShareView(share.id);
    await recordShareView(share.id);
    expect((await listShareLinks(f.team.id, album.id))[0]).toMatchObject({ viewCount: 2, hasPassword: false });

    const other = await fixture();
    expect(await errorCode(revokeShareLink(other.team.id, link.id))).toBe("not_found");
    expect(await errorCode(createShareLink(other.team.id, other.user.id, album.id, { allowDownload: false }))).toBe("not_found");
    await revokeShareLink(f.team.id, link.id);
    expect(await errorCode(resolveShare(link.token))).toBe("not_found");
  });

  it("a password-protected link opens only with the right password, through a cookie for that link", async () => {
    const f = await fixture();
    await f.photo("food", 8, "pasta");
    await refreshSetOrganization(f.set.id); // what the engine does when results land
    const album = (await listAlbums(f.team.id, f.set.id)).find((a) => a.name === "Food")!;
    const link = await createShareLink(f.team.id, f.user.id, album.id, { allowDownload: false, password: "open sesame" });
    const other = await createShareLink(f.team.id, f.user.id, album.id, { allowDownload: false, password: "open sesame" });
    const share = await resolveShare(link.token);
    expect(share.passwordHash).toMatch(/^scrypt\$/);
    expect(shareUnlocked(share, undefined)).toBe(false);
    expect(await errorCode(unlockShare(share, "open sesamE"))).toBe("unauthorized");
    const cookie = (await unlockShare(share, "open sesame")).access;
    expect(shareUnlocked(share, cookie)).toBe(true);
    expect(shareUnlocked(await resolveShare(other.token), cookie)).toBe(false);
  });
});

describe("export to a directory", () => {
  it("writes a folder per album with Instagram-sized JPEGs, XMP sidecars, CSV and JSON", async () => {
    const f = await fixture();
    await f.photo("food", 8, "pasta");
    await f.photo("food", 6, "pizza");
    await f.photo("travel", 7, "road");
    const out = await mkdtemp(path.join(tmpdir(), "organize-export-"));
    const r = await exportSetToDirectory(f.set.id, out);
    expect(r.albums).toBe(3);
    // The dot file is the export's manifest (what each file was made from), so a re-run writes only what changed.
    expect((await readdir(out)).filter((f) => !f.startsWith(".")).sort()).toEqual(["Best picks", "Food", "Travel"]);
    expect((await readdir(path.join(out, "Food"))).sort()).toEqual([
      "001-pasta.jpg", "001-pasta.xmp", "002-pizza.jpg", "002-pizza.xmp", "captions.csv", "captions.json",
    ]);
    expect(r.files).toBe(8 + 6 + 4); // Best picks (3 photos), Food (2), Travel (1)
    const meta = await sharp(path.join(out, "Food", "001-pasta.jpg")).metadata();
    expect([meta.width, meta.height]).toEqual([384, 480]); // the 640x480 photo's 4:5 crop, not enlarged to 1080
    const xmp = await readFile(path.join(out, "Food", "001-pasta.xmp"), "utf8");
    expect(xmp).toContain("Caption, &quot;pasta&quot;");
    // Keywords: the category, the tags, then the hashtags (without '#'), as Lightroom reads them.
    expect(xmp).toMatch(/<dc:subject>[\s\S]*<rdf:li>food<\/rdf:li>[\s\S]*<rdf:li>tag1<\/rdf:li>[\s\S]*<rdf:li>one<\/rdf:li>[\s\S]*<\/dc:subject>/);
    const csv = await readFile(path.join(out, "Food", "captions.csv"), "utf8");
    // No rating, flag, people count or face problems recorded for this photo: empty cells.
    expect(csv).toContain('001-pasta.jpg,Food,pasta.jpg,"Caption, ""pasta""",#one #two,Alt pasta,food,8,8,,,,,yes');
    const json = JSON.parse(await readFile(path.join(out, "Best picks", "captions.json"), "utf8")) as { photos: { file: string }[] };
    expect(json.photos.map((p) => p.file)).toEqual(["001-pasta.jpg", "002-road.jpg", "003-pizza.jpg"]);
  });

  it("opens only photos whose recorded stage is prepared, whatever their width says", async () => {
    const f = await fixture();
    const pasta = await f.photo("food", 8, "pasta");
    const late = await f.photo("food", 7, "late");
    const refused = await f.photo("food", 6, "refused");
    const retry = await f.photo("food", 5, "retry");
    // Each keeps its width (640) and its original in storage: only the stage columns say what it is.
    await db().photo.update({
      where: { id: late.id },
      data: { state: "UPLOADED", ...stagesFor("UPLOADED", null) },
    });
    await db().photo.update({
      where: { id: refused.id },
      data: { state: "FAILED", ...stagesFor("FAILED", null), unreadable: true, stateReason: "The image is 400.0 megapixels; the limit is 100.0" },
    });
    // Failed in analysis: prepared, so its image is exported.
    await db().photo.update({ where: { id: retry.id }, data: { state: "FAILED", ...stagesFor("FAILED", 640), stateReason: "unusable answer" } });
    const ids = [pasta.id, late.id, refused.id, retry.id];
    await db().album.create({
      data: {
        teamId: f.team.id, setId: f.set.id, name: "Mine", kind: "CUSTOM", coverPhotoId: pasta.id,
        photos: { create: ids.map((photoId, position) => ({ photoId, position })) },
      },
    });
    const group = await db().duplicateGroup.create({ data: { setId: f.set.id, keeperPhotoId: pasta.id, keeperChosen: true } });
    await db().photo.updateMany({ where: { id: { in: ids } }, data: { duplicateGroupId: group.id } });

    const out = await mkdtemp(path.join(tmpdir(), "organize-export-stage-"));
    await exportSetToDirectory(f.set.id, out);
    expect((await readdir(path.join(out, "Mine"))).filter((n) => n.endsWith(".jpg")).sort()).toEqual(["001-pasta.jpg", "004-retry.jpg"]);
    const problems = await readFile(path.join(out, "export-problems.txt"), "utf8");
    expect(problems).toContain("Mine/002-late.jpg (late.jpg): the image pipeline has not prepared it yet; export again later");
    expect(problems).toContain("Mine/003-refused.jpg (refused.jpg): the image pipeline refused it (The image is 400.0 megapixels; the limit is 100.0); it is not exported");
    expect(problems).not.toContain("retry");
    // The duplicate group's folder copies out only the prepared originals.
    expect(await readdir(path.join(out, "Duplicates"))).toEqual(["01 pasta"]);
    expect((await readdir(path.join(out, "Duplicates", "01 pasta"))).sort()).toEqual(["keeper - pasta.jpg", "retry.jpg"]);
  });
});
