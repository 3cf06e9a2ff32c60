// The results list, the photo page and a person's edits. Filtering, sorting
// and paging happen in SQL on the denormalised Photo.category/qualityScore/
// instagramScore columns, so a set of 5,000 photos never reaches the browser whole.
import { z } from "zod";
import { db, Prisma, PhotoState } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { isFailedInPipeline } from "@/lib/photos";
import { GROUP_MIN_FACES } from "@/lib/llama";
import { CATEGORIES, LIMITS, type StoredAnalysis } from "@/lib/llama/types";
import { hasThumbnail } from "@/lib/sets";
import { parseStoredAnalysis } from "./analysis";
import { effectiveText, normalizeHashtags, type EffectiveText } from "./effective";
import { FACE_SCAN_SELECT, faceProblems, photoFaces, UNSHARP_FACE_BELOW, type PhotoFaces } from "./faces";
import { SEARCH_MAX, searchPhotoIds } from "./search";

const optionalNumber = z.preprocess((v) => (v === "" || v === null ? undefined : v), z.coerce.number().min(0).max(10).optional());
const emptyIsAbsent = (v: unknown) => (v === "" || v === null ? undefined : v);

/** Query-string filters of the results grid and of search (all optional). */
export const photoQuerySchema = z.object({
  /** Words to find (websearch syntax: "quoted phrase", -without, or). */
  q: z.preprocess(emptyIsAbsent, z.string().trim().max(200).optional()),
  category: z.string().max(40).optional(),
  tag: z.string().max(40).optional(),
  minScore: optionalNumber,
  maxScore: optionalNumber,
  scoreField: z.enum(["instagram", "quality"]).default("instagram"),
  state: z.preprocess(emptyIsAbsent, z.enum(PhotoState).optional()),
  duplicates: z.enum(["1", "true", "0", "false"]).optional().transform((v) => v === "1" || v === "true"),
  /** Culling: picked, rejected, or neither. */
  flag: z.preprocess(emptyIsAbsent, z.enum(["picked", "rejected", "unflagged"]).optional()),
  minRating: z.preprocess(emptyIsAbsent, z.coerce.number().int().min(1).max(5).optional()),
  /** Faces found on the machine: "with" people, "without", "groups" (3 or more faces), or "problems" (closed eyes, a soft main face). */
  people: z.preprocess(emptyIsAbsent, z.enum(["with", "without", "groups", "problems"]).optional()),
  sort: z.enum(["relevance", "instagram", "quality", "rating", "takenAt", "name", "uploaded"]).default("instagram"),
  dir: z.enum(["asc", "desc"]).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(60),
});
export type PhotoQuery = z.infer<typeof photoQuerySchema>;

export interface PhotoListItem {
  id: string;
  setId: string;
  setName: string;
  originalName: string;
  state: PhotoState;
  stateReason: string | null;
  width: number | null;
  height: number | null;
  takenAt: Date | null;
  category: string | null;
  instagramScore: number | null;
  qualityScore: number | null;
  duplicateGroupId: string | null;
  rating: number | null;
  flag: "PICK" | "REJECT" | null;
  edited: boolean;
  hasThumb: boolean;
  /** Faces found (null: not scanned yet) and what they show ("eyes closed in 1 of 3 faces"). */
  faceCount: number | null;
  faceProblems: string[];
}

export interface PhotoPage {
  items: PhotoListItem[];
  total: number;
  page: number;
  pageSize: number;
  pages: number;
  /** Search only: the best SEARCH_MAX matches are shown when more match. */
  capped: boolean;
}

/** The filters without the words; `setId` null: every set of the team. */
export function photoWhere(teamId: string, setId: string | null, q: PhotoQuery): Prisma.PhotoWhereInput {
  const and: Prisma.PhotoWhereInput[] = [];
  if (q.category) {
    // The effective category: a person's choice wins over the model's.
    and.push({ OR: [{ userCategory: q.category }, { userCategory: null, category: q.category }] });
  }
  if (q.tag) {
    const word = q.tag.replace(/^#/, "");
    and.push({
      OR: [
        { userHashtags: { has: `#${word}` } },
        { analysis: { result: { path: ["tags"], array_contains: [word] } } },
      ],
    });
  }
  const field = q.scoreField === "quality" ? "qualityScore" : "instagramScore";
  if (q.minScore !== undefined || q.maxScore !== undefined) {
    and.push({ [field]: { gte: q.minScore, lte: q.maxScore } });
  }
  if (q.state) and.push({ state: q.state });
  if (q.duplicates) and.push({ duplicateGroupId: { not: null } });
  if (q.flag === "picked") and.push({ flag: "PICK" });
  if (q.flag === "rejected") and.push({ flag: "REJECT" });
  if (q.flag === "unflagged") and.push({ flag: null });
  if (q.minRating !== undefined) and.push({ rating: { gte: q.minRating } });
  if (q.people === "with") and.push({ faceCount: { gt: 0 } });
  if (q.people === "without") and.push({ faceCount: 0 });
  if (q.people === "groups") and.push({ faceCount: { gte: GROUP_MIN_FACES } });
  if (q.people === "problems") {
    and.push({
      faceCount: { gt: 0 },
      OR: [{ faceScan: { eyesClosed: { gt: 0 } } }, { faceScan: { mainFaceSharpness: { lt: UNSHARP_FACE_BELOW } } }],
    });
  }
  return { teamId, ...(setId ? { setId } : {}), AND: and };
}

export function photoOrder(q: PhotoQuery): Prisma.PhotoOrderByWithRelationInput[] {
  const byId: Prisma.PhotoOrderByWithRelationInput = { id: "asc" };
  const byInstagram: Prisma.PhotoOrderByWithRelationInput[] = [
    { instagramScore: { sort: q.dir ?? "desc", nulls: "last" } },
    { qualityScore: { sort: q.dir ?? "desc", nulls: "last" } },
    byId,
  ];
  switch (q.sort) {
    // Without words there is no relevance: the grid's usual order.
    case "relevance":
    case "instagram":
      return byInstagram;
    case "quality":
      return [{ qualityScore: { sort: q.dir ?? "desc", nulls: "last" } }, byId];
    case "rating":
      return [{ rating: { sort: q.dir ?? "desc", nulls: "last" } }, ...byInstagram];
    case "takenAt":
      return [{ takenAt: { sort: q.dir ?? "asc", nulls: "last" } }, byId];
    case "name":
      return [{ originalName: q.dir ?? "asc" }, byId];
    case "uploaded":
      return [{ createdAt: q.dir ?? "asc" }, byId];
  }
}

const listSelect = {
  id: true,
  setId: true,
  set: { select: { name: true } },
  originalName: true,
  state: true,
  stateReason: true,
  width: true,
  height: true,
  preparedAt: true,
  takenAt: true,
  category: true,
  userCategory: true,
  userCaption: true,
  userHashtags: true,
  instagramScore: true,
  qualityScore: true,
  duplicateGroupId: true,
  rating: true,
  flag: true,
  faceCount: true,
  faceScan: { select: { faceCount: true, eyesClosed: true, mainFaceSharpness: true } },
} satisfies Prisma.PhotoSelect;

type ListRow = Prisma.PhotoGetPayload<{ select: typeof listSelect }>;

function toItem(r: ListRow): PhotoListItem {
  return {
    id: r.id,
    setId: r.setId,
    setName: r.set.name,
    originalName: r.originalName,
    state: r.state,
    stateReason: r.stateReason,
    width: r.width,
    height: r.height,
    takenAt: r.takenAt,
    category: r.userCategory ?? r.category,
    instagramScore: r.instagramScore,
    qualityScore: r.qualityScore,
    duplicateGroupId: r.duplicateGroupId,
    rating: r.rating,
    flag: r.flag,
    edited: r.userCategory !== null || r.userCaption !== null || r.userHashtags.length > 0,
    hasThumb: hasThumbnail(r),
    faceCount: r.faceCount,
    faceProblems: r.faceScan ? faceProblems(r.faceScan).map((x) => x.text) : [],
  };
}

/**
 * One page of a set's photos (or, with setId null, of the whole team's),
 * filtered, searched and sorted. With words, the matches come from the
 * full-text index first (search.ts) and the filters narrow them; sorted by
 * relevance unless another order is asked for.
 */
export async function listPhotos(teamId: string, setId: string | null, q: PhotoQuery): Promise<PhotoPage> {
  const where = photoWhere(teamId, setId, q);
  const skip = (q.page - 1) * q.pageSize;
  const paged = (total: number, items: PhotoListItem[], capped = false): PhotoPage => ({
    items,
    total,
    page: q.page,
    pageSize: q.pageSize,
    pages: Math.max(1, Math.ceil(total / q.pageSize)),
    capped,
  });
  if (!q.q) {
    const [rows, total] = await Promise.all([
      db().photo.findMany({ where, orderBy: photoOrder(q), skip, take: q.pageSize, select: listSelect }),
      db().photo.count({ where }),
    ]);
    return paged(total, rows.map(toItem));
  }
  const ranked = await searchPhotoIds(teamId, setId, q.q);
  const capped = ranked.length >= SEARCH_MAX;
  const matching = { AND: [where, { id: { in: ranked } }] };
  if (q.sort !== "relevance") {
    const [rows, total] = await Promise.all([
      db().photo.findMany({ where: matching, orderBy: photoOrder(q), skip, take: q.pageSize, select: listSelect }),
      db().photo.count({ where: matching }),
    ]);
    return paged(total, rows.map(toItem), capped);
  }
  // Relevance: the filters keep a subset of the ranked ids, in rank order.
  const kept = new Set((await db().photo.findMany({ where: matching, select: { id: true } })).map((r) => r.id));
  const order = ranked.filter((id) => kept.has(id));
  const pageIds = order.slice(skip, skip + q.pageSize);
  const rows = await db().photo.findMany({ where: { id: { in: pageIds } }, select: listSelect });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const items = pageIds.flatMap((id) => {
    const r = byId.get(id);
    return r ? [toItem(r)] : [];
  });
  return paged(order.length, items, capped);
}

/** A set's results grid page (listPhotos scoped to one set). */
export function listSetPhotos(teamId: string, setId: string, q: PhotoQuery): Promise<PhotoPage> {
  return listPhotos(teamId, setId, q);
}

/** Every photo id the filters match, in grid order, for "select all" (at most `max`). */
export async function matchingPhotoIds(teamId: string, setId: string | null, q: PhotoQuery, max: number): Promise<string[]> {
  const all = await listPhotos(teamId, setId, { ...q, page: 1, pageSize: max });
  return all.items.map((i) => i.id);
}

/** Categories present in a set (effective values) with counts, for the filter menu. */
export async function setCategories(teamId: string, setId: string): Promise<{ category: string; count: number }[]> {
  const rows = await db().$queryRaw<{ category: string; count: bigint }[]>`
    SELECT COALESCE("userCategory", "category") AS category, COUNT(*) AS count
    FROM "Photo"
    WHERE "teamId" = ${teamId} AND "setId" = ${setId} AND COALESCE("userCategory", "category") IS NOT NULL
    GROUP BY 1 ORDER BY 2 DESC, 1`;
  return rows.map((r) => ({ category: r.category, count: Number(r.count) }));
}

export interface PhotoDetail {
  photo: {
    id: string;
    setId: string;
    teamId: string;
    originalName: string;
    /** Other names the same content was uploaded under in this set. */
    otherNames: string[];
    mimeType: string;
    sizeBytes: number;
    state: PhotoState;
    stateReason: string | null;
    /** The image pipeline could not read the file: no preview, nothing to edit or analyse. */
    unreadable: boolean;
    skipReason: string | null;
    width: number | null;
    height: number | null;
    sharpness: number | null;
    brightness: number | null;
    dominantColors: string[];
    instagramScore: number | null;
    qualityScore: number | null;
    duplicateGroupId: string | null;
    rating: number | null;
    flag: "PICK" | "REJECT" | null;
    exif: {
      takenAt: Date | null;
      cameraMake: string | null;
      cameraModel: string | null;
      lens: string | null;
      gpsLat: number | null;
      gpsLon: number | null;
    };
  };
  analysis: StoredAnalysis | null;
  analysisMeta: { provider: string; model: string; promptVersion: string; createdAt: Date } | null;
  effective: EffectiveText;
  userEdits: { caption: string | null; hashtags: string[]; category: string | null };
  albums: { id: string; name: string; kind: string }[];
  duplicates: { id: string; originalName: string; instagramScore: number | null; isKeeper: boolean }[];
  keeperChosen: boolean;
  /** The face stage's findings; null until scanned (facesError: why a scan failed). */
  faces: PhotoFaces | null;
  facesError: string | null;
}

export async function getPhotoDetail(teamId: string, photoId: string): Promise<PhotoDetail> {
  const p = await db().photo.findFirst({
    where: { id: photoId, teamId },
    include: {
      analysis: { select: { result: true, provider: true, model: true, promptVersion: true, createdAt: true } },
      albumPhotos: { select: { album: { select: { id: true, name: true, kind: true } } } },
      faceScan: { select: FACE_SCAN_SELECT },
      duplicateGroup: {
        select: {
          keeperPhotoId: true,
          keeperChosen: true,
          photos: { select: { id: true, originalName: true, instagramScore: true }, orderBy: { id: "asc" } },
        },
      },
    },
  });
  if (!p) throw notFound("Photo not found");
  const analysis = p.analysis ? parseStoredAnalysis(p.analysis.result) : null;
  const colors = Array.isArray(p.dominantColors) ? p.dominantColors.filter((c): c is string => typeof c === "string") : [];
  return {
    photo: {
      id: p.id,
      setId: p.setId,
      teamId: p.teamId,
      originalName: p.originalName,
      otherNames: p.otherNames,
      mimeType: p.mimeType,
      sizeBytes: p.sizeBytes,
      state: p.state,
      stateReason: p.stateReason,
      // Failed in the pipeline: there is no image to show.
      unreadable: isFailedInPipeline(p),
      skipReason: p.skipReason,
      width: p.width,
      height: p.height,
      sharpness: p.sharpness,
      brightness: p.brightness,
      dominantColors: colors,
      instagramScore: p.instagramScore,
      qualityScore: p.qualityScore,
      duplicateGroupId: p.duplicateGroupId,
      rating: p.rating,
      flag: p.flag,
      exif: {
        takenAt: p.takenAt,
        cameraMake: p.cameraMake,
        cameraModel: p.cameraModel,
        lens: p.lens,
        gpsLat: p.gpsLat,
        gpsLon: p.gpsLon,
      },
    },
    analysis,
    analysisMeta: p.analysis
      ? { provider: p.analysis.provider, model: p.analysis.model, promptVersion: p.analysis.promptVersion, createdAt: p.analysis.createdAt }
      : null,
    effective: effectiveText(p, analysis),
    userEdits: { caption: p.userCaption, hashtags: p.userHashtags, category: p.userCategory },
    albums: p.albumPhotos.map((a) => a.album),
    duplicates: (p.duplicateGroup?.photos ?? []).map((d) => ({
      ...d,
      isKeeper: d.id === p.duplicateGroup?.keeperPhotoId,
    })),
    keeperChosen: p.duplicateGroup?.keeperChosen ?? false,
    faces: photoFaces(p.faceScan),
    facesError: p.faceScan?.error ?? null,
  };
}

/**
 * A person's review. `null` clears an edit (back to the model's answer);
 * an absent field is left as it is.
 */
export const photoEditSchema = z.object({
  caption: z.string().trim().max(2200).nullable().optional(),
  hashtags: z.union([z.string().max(3000), z.array(z.string().max(100)).max(30)]).nullable().optional(),
  category: z.enum(CATEGORIES).nullable().optional(),
  /** Culling: 1-5 stars; 0 or null clears. */
  rating: z.number().int().min(0).max(5).nullable().optional(),
  flag: z.enum(["PICK", "REJECT"]).nullable().optional(),
});
export type PhotoEdit = z.infer<typeof photoEditSchema>;

/** Saves the edit; returns the set id and whether album membership may have changed. */
export async function updatePhotoEdits(
  teamId: string,
  photoId: string,
  edit: PhotoEdit,
): Promise<{ setId: string; categoryChanged: boolean }> {
  const current = await db().photo.findFirst({ where: { id: photoId, teamId }, select: { setId: true, userCategory: true } });
  if (!current) throw notFound("Photo not found");
  const data: Prisma.PhotoUpdateInput = {};
  if (edit.caption !== undefined) data.userCaption = edit.caption === "" ? null : edit.caption;
  if (edit.hashtags !== undefined) {
    const tags = normalizeHashtags(edit.hashtags ?? []);
    if (tags.length > LIMITS.hashtags) {
      throw new z.ZodError([{ code: "custom", path: ["hashtags"], message: `Instagram allows at most ${LIMITS.hashtags} hashtags per post; remove ${tags.length - LIMITS.hashtags}.`, input: tags }]);
    }
    data.userHashtags = { set: tags };
  }
  if (edit.category !== undefined) data.userCategory = edit.category;
  if (edit.rating !== undefined) data.rating = edit.rating || null;
  if (edit.flag !== undefined) data.flag = edit.flag;
  await db().photo.update({ where: { id: photoId }, data });
  return { setId: current.setId, categoryChanged: edit.category !== undefined && edit.category !== current.userCategory };
}
