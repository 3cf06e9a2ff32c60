// Search (the trigger-kept full-text vector), bulk actions on a selection and
// the selection's export plan, against the real Postgres.
import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { describe, expect, it } from "vitest";
import { migrate } from "@/lib/db/migrate";
import { db } from "@/lib/db";
import { loadExportPlan } from "@/lib/export/plan";
import type { Category, StoredAnalysis } from "@/lib/llama/types";
import { bulkPhotoAction, getAlbum, listPhotos, listSetPhotos, matchingPhotoIds, photoQuerySchema, updatePhotoEdits } from "@/lib/organize";
import { errorCode } from "@/test/helpers/error-code";
import { stagesFor } from "@/test/fixtures/photo-stages";

const box = { x: 0, y: 0, width: 1, height: 1 };
function ai(category: Category, score: number, words: { description: string; tags: string[]; caption: string }): StoredAnalysis {
  return {
    source: "ai",
    category,
    quality: { score, reason: "ok" },
    instagram: { score, reason: "ok" },
    hashtags: ["#weekend"],
    altText: "alt",
    crops: { "4:5": box, "1:1": box, "1.91:1": box },
    problems: [],
    ...words,
  };
}

async function team() {
  const suffix = randomBytes(4).toString("hex");
  const user = await db().user.create({ data: { email: `s-${suffix}@example.test`, name: "Sam", passwordHash: "x" } });
  const t = await db().team.create({ data: { name: `team ${suffix}` } });
  await db().membership.create({ data: { teamId: t.id, userId: user.id, role: "OWNER" } });
  const newSet = (name: string) => db().photoSet.create({ data: { teamId: t.id, name, createdById: user.id } });
  async function photo(setId: string, originalName: string, result: StoredAnalysis | null, extra: { state?: "ANALYZED" | "ANALYZING" | "FAILED"; width?: number | null; duplicateGroupId?: string } = {}) {
    const contentHash = randomBytes(32).toString("hex");
    const analysis = result
      ? await db().analysisCache.create({ data: { teamId: t.id, contentHash, provider: "llama", model: "m", promptVersion: "v1", result: result as object } })
      : null;
    return db().photo.create({
      data: {
        setId, teamId: t.id, contentHash, originalName, mimeType: "image/jpeg", sizeBytes: 1000,
        width: extra.width === undefined ? 2000 : extra.width, height: 1500,
        state: extra.state ?? (result ? "ANALYZED" : "FAILED"),
        ...stagesFor(extra.state ?? (result ? "ANALYZED" : "FAILED"), extra.width === undefined ? 2000 : extra.width),
        analysisId: analysis?.id ?? null,
        category: result?.source === "ai" ? result.category : null,
        instagramScore: result?.source === "ai" ? result.instagram.score : null,
        duplicateGroupId: extra.duplicateGroupId ?? null,
      },
    });
  }
  return { team: t, newSet, photo };
}

const q = (o: Record<string, string> = {}) => photoQuerySchema.parse(o);

describe("search", () => {
  it("finds photos by description, tags, caption, category, file name and a person's caption, across the team's sets", async () => {
    const f = await team();
    const trip = await f.newSet("Trip");
    const home = await f.newSet("Home");
    const beach = await f.photo(trip.id, "IMG_0001.jpg", ai("travel", 8, { description: "Waves rolling onto sandy beaches", tags: ["ocean"], caption: "Salt in the air" }));
    const dog = await f.photo(home.id, "IMG_0002.jpg", ai("animals", 6, { description: "A dog asleep on a sofa", tags: ["labrador"], caption: "Sunday mood" }));
    const named = await f.photo(home.id, "lighthouse-at-dusk.jpg", null);
    const words = async (text: string, setId: string | null = null) => (await listPhotos(f.team.id, setId, q({ q: text }))).items.map((i) => i.id);

    expect(await words("beach")).toEqual([beach.id]); // stemmed: "beaches" in the description
    expect(await words("labrador")).toEqual([dog.id]); // a tag
    expect(await words("salt air")).toEqual([beach.id]); // the model's caption, every word
    expect(await words("animals")).toEqual([dog.id]); // the category
    expect(await words("lighthouse")).toEqual([named.id]); // the file name, split at punctuation
    expect(await words("weekend")).toHaveLength(2); // the model's hashtags, without '#'
    expect(await words("beach OR dog")).toHaveLength(2);
    expect(await words("weekend -dog")).toEqual([beach.id]);
    expect(await words("beach", home.id)).toEqual([]); // scoped to a set
    // A person's caption is found as soon as it is saved (the trigger).
    await updatePhotoEdits(f.team.id, named.id, { caption: "Harbour light at dusk" });
    expect(await words("harbour")).toEqual([named.id]);
    // The grid's filters narrow a search; items name their set.
    const page = await listPhotos(f.team.id, null, q({ q: "weekend", category: "animals" }));
    expect(page.items.map((i) => [i.id, i.setName])).toEqual([[dog.id, "Home"]]);
    // Another team's words are not found.
    const other = await team();
    expect((await listPhotos(other.team.id, null, q({ q: "beach" }))).total).toBe(0);
  });
});

describe("bulk actions", () => {
  it("rates, flags, filters on them, re-analyses, keeps one per group and removes, all team-scoped", async () => {
    const f = await team();
    const set = await f.newSet("Day");
    const group = await db().duplicateGroup.create({ data: { setId: set.id } });
    const a = await f.photo(set.id, "a.jpg", ai("food", 9, { description: "pasta", tags: [], caption: "c" }), { duplicateGroupId: group.id });
    const b = await f.photo(set.id, "b.jpg", ai("food", 8, { description: "pasta again", tags: [], caption: "c" }), { duplicateGroupId: group.id });
    const c = await f.photo(set.id, "c.jpg", ai("food", 7, { description: "salad", tags: [], caption: "c" }));
    const broken = await f.photo(set.id, "broken.jpg", null, { width: null });
    const busy = await f.photo(set.id, "busy.jpg", null, { state: "ANALYZING" });

    expect((await bulkPhotoAction(f.team.id, { action: "rate", photoIds: [a.id, c.id], rating: 4 })).changed).toBe(2);
    await bulkPhotoAction(f.team.id, { action: "flag", photoIds: [b.id], flag: "REJECT" });
    await bulkPhotoAction(f.team.id, { action: "flag", photoIds: [a.id], flag: "PICK" });
    const ids = async (o: Record<string, string>) => (await listSetPhotos(f.team.id, set.id, q(o))).items.map((i) => i.id).sort();
    expect(await ids({ minRating: "4" })).toEqual([a.id, c.id].sort());
    expect(await ids({ flag: "rejected" })).toEqual([b.id]);
    expect(await ids({ flag: "picked" })).toEqual([a.id]);
    expect(await ids({ flag: "unflagged" })).toHaveLength(3);
    expect(await matchingPhotoIds(f.team.id, set.id, q({ minRating: "4", sort: "name" }), 5000)).toEqual([a.id, c.id]);

    // Re-analyse: what can be analysed goes back to the queue; unreadable and busy photos stay.
    const re = await bulkPhotoAction(f.team.id, { action: "reanalyse", photoIds: [c.id, broken.id, busy.id] });
    expect(re.changed).toBe(1);
    expect(re.message).toMatch(/2 photos left alone/);
    expect((await db().photo.findUniqueOrThrow({ where: { id: c.id } })).state).toBe("QUEUED");

    // Keeper: one per group; two copies of each other are refused.
    expect(await errorCode(bulkPhotoAction(f.team.id, { action: "keeper", photoIds: [a.id, b.id] }))).toBe("bad_request");
    const kept = await bulkPhotoAction(f.team.id, { action: "keeper", photoIds: [b.id, c.id] });
    expect(kept.changed).toBe(1);
    expect(kept.message).toMatch(/1 photo has no duplicates/);
    expect(await db().duplicateGroup.findUniqueOrThrow({ where: { id: group.id } })).toMatchObject({ keeperPhotoId: b.id, keeperChosen: true });

    // Another team's ids: nothing happens, 404.
    const other = await team();
    expect(await errorCode(bulkPhotoAction(other.team.id, { action: "rate", photoIds: [a.id], rating: 1 }))).toBe("not_found");
    expect((await db().photo.findUniqueOrThrow({ where: { id: a.id } })).rating).toBe(4);

    // Remove: a photo being analysed is refused; the rest go, and a custom album's cover moves on.
    const album = await db().album.create({ data: { teamId: f.team.id, setId: set.id, name: "Mine", kind: "CUSTOM", coverPhotoId: a.id } });
    await db().albumPhoto.createMany({ data: [{ albumId: album.id, photoId: a.id, position: 0 }, { albumId: album.id, photoId: c.id, position: 1 }] });
    expect(await errorCode(bulkPhotoAction(f.team.id, { action: "remove", photoIds: [a.id, busy.id] }))).toBe("conflict");
    expect((await bulkPhotoAction(f.team.id, { action: "remove", photoIds: [a.id, broken.id] })).changed).toBe(2);
    expect(await db().photo.count({ where: { setId: set.id } })).toBe(3);
    const after = await getAlbum(f.team.id, album.id);
    expect(after.photos.map((p) => p.id)).toEqual([c.id]);
    expect(after.coverPhotoId).toBe(c.id);
  });

  it("exports a selection as one folder in the order given, with the culling", async () => {
    const f = await team();
    const set = await f.newSet("Day");
    const x = await f.photo(set.id, "x.jpg", ai("food", 9, { description: "pasta", tags: ["dinner"], caption: "c" }));
    const y = await f.photo(set.id, "y.jpg", ai("food", 8, { description: "salad", tags: [], caption: "c" }));
    await bulkPhotoAction(f.team.id, { action: "rate", photoIds: [y.id], rating: 5 });
    const plan = await loadExportPlan(f.team.id, { photoIds: [y.id, x.id] }, "3:4", { width: 1440 });
    expect(plan.folders).toHaveLength(1);
    expect(plan.folders[0]!.photos.map((p) => [p.file, p.rating])).toEqual([["001-y", 5], ["002-x", null]]);
    expect(plan.width).toBe(1440);
    const other = await team();
    expect(await errorCode(loadExportPlan(other.team.id, { photoIds: [x.id] }, "4:5"))).toBe("not_found");
  });
});

describe("Instagram's 5 hashtags", () => {
  it("an edit with more is refused with the count to remove; the photo keeps its hashtags", async () => {
    const f = await team();
    const set = await f.newSet("Day");
    const p = await f.photo(set.id, "a.jpg", ai("food", 5, { description: "d", tags: [], caption: "c" }));
    await expect(updatePhotoEdits(f.team.id, p.id, { hashtags: "#a #b #c #d #e #f" })).rejects.toThrow(/at most 5 hashtags per post; remove 1/);
    await updatePhotoEdits(f.team.id, p.id, { hashtags: "#a #b #c #d #e" });
    expect((await db().photo.findUniqueOrThrow({ where: { id: p.id } })).userHashtags).toEqual(["#a", "#b", "#c", "#d", "#e"]);
  });
});

describe("search on embedded PGlite", () => {
  it("the migrations' trigger and index work there, and the search's query finds by stem", async () => {
    const lite = new PGlite();
    try {
      await migrate({ query: async <T,>(sql: string, params?: unknown[]) => (await lite.query<T>(sql, params)).rows, exec: async (sql: string) => void (await lite.exec(sql)) });
      await lite.exec(`
        INSERT INTO "User" (id, email, name, "passwordHash") VALUES ('u', 'u@x', 'U', 'x');
        INSERT INTO "Team" (id, name) VALUES ('t', 'T');
        INSERT INTO "PhotoSet" (id, "teamId", name, "createdById", "updatedAt") VALUES ('s', 't', 'S', 'u', now());
        INSERT INTO "AnalysisCache" (id, "teamId", "contentHash", provider, model, "promptVersion", result)
          VALUES ('a', 't', 'h', 'p', 'm', 'v', '{"description": "Children running on sandy beaches", "tags": ["summer"]}');
        INSERT INTO "Photo" (id, "setId", "teamId", "contentHash", "originalName", "mimeType", "sizeBytes", "analysisId", "updatedAt")
          VALUES ('p', 's', 't', 'h', 'IMG_77-harbour.jpg', 'image/jpeg', 1, 'a', now());`);
      const find = async (text: string) =>
        (await lite.query<{ id: string }>(`SELECT p.id FROM "Photo" p, websearch_to_tsquery('english', $1) AS query WHERE p."searchVector" @@ query`, [text])).rows.map((r) => r.id);
      expect(await find("beach")).toEqual(["p"]);
      expect(await find("harbour summer")).toEqual(["p"]);
      expect(await find("mountain")).toEqual([]);
      const plan = await lite.query<{ plan: string }>(`SELECT indexdef AS plan FROM pg_indexes WHERE indexname = 'Photo_searchVector_idx'`);
      expect(plan.rows[0]?.plan).toContain("USING gin");
    } finally {
      await lite.close();
    }
  }, 120_000);
});
