// Albums as people see and shape them: lists, one album with its photos in
// order, custom albums and carousels, adding/removing photos and reordering.
// CATEGORY and BEST albums are computed (refresh.ts); people may reorder them
// but not change who is in them.
import { z } from "zod";
import { db, type AlbumKind } from "@/lib/db";
import { badRequest, conflict, notFound } from "@/lib/errors";
import { isFailedInPipeline } from "@/lib/photos";
import type { CropBox } from "@/lib/llama/types";
import { parseStoredAnalysis } from "./analysis";
import { CAROUSEL_MAX, suggestCarousel } from "./carousel";
import { carouselRatio, modelRatioFor, relativeCrop, type ExportRatio } from "./crops";
import { effectiveText } from "./effective";
import { faceAwareCrop, toRelative } from "./face-crops";
import { photoFaces } from "./faces";
import { writeAlbumOrder } from "./refresh";

export interface AlbumSummary {
  id: string;
  name: string;
  kind: AlbumKind;
  category: string | null;
  setId: string | null;
  coverPhotoId: string | null;
  photoCount: number;
  orderedByHand: boolean;
  shareLinks: number;
}

const KIND_ORDER: Record<AlbumKind, number> = { BEST: 0, CAROUSEL: 1, CUSTOM: 2, CATEGORY: 3 };

/**
 * Albums of a set or, without setId, every album of the team. Computed albums
 * are read as they are: they are brought up to date when their data changes
 * (docs/decisions/005), never by a page view.
 */
export async function listAlbums(teamId: string, setId?: string): Promise<AlbumSummary[]> {
  if (setId) {
    const set = await db().photoSet.findFirst({ where: { id: setId, teamId }, select: { id: true } });
    if (!set) throw notFound("Photo set not found");
  }
  const rows = await db().album.findMany({
    where: { teamId, ...(setId ? { setId } : {}) },
    select: {
      id: true,
      name: true,
      kind: true,
      category: true,
      setId: true,
      coverPhotoId: true,
      orderedByHand: true,
      _count: { select: { photos: true, shareLinks: { where: { revokedAt: null } } } },
    },
    orderBy: [{ name: "asc" }],
  });
  return rows
    .map((r) => ({
      id: r.id,
      name: r.name,
      kind: r.kind,
      category: r.category,
      setId: r.setId,
      coverPhotoId: r.coverPhotoId,
      orderedByHand: r.orderedByHand,
      photoCount: r._count.photos,
      shareLinks: r._count.shareLinks,
    }))
    .sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.name.localeCompare(b.name));
}

export interface AlbumPhotoView {
  id: string;
  position: number;
  originalName: string;
  width: number | null;
  height: number | null;
  instagramScore: number | null;
  qualityScore: number | null;
  aiAnalysed: boolean;
  caption: string | null;
  hashtags: string[];
  altText: string | null;
  category: string | null;
  /** The 4:5 crop, moved to keep the faces in (face-crops.ts). */
  crop45: CropBox | null;
  /** The profile grid's 3:4 tile around it, also kept clear of faces. */
  grid34: CropBox | null;
  /** A carousel's slide: exactly the carousel's ratio, what its export holds (null: no size yet, centred). */
  slide: CropBox | null;
}

export interface AlbumView extends Omit<AlbumSummary, "photoCount" | "shareLinks"> {
  teamId: string;
  /** A carousel's one shape for every slide: the cover's (carouselRatio). null for other albums. */
  slideRatio: ExportRatio | null;
  photos: AlbumPhotoView[];
}

/** One album with its photos in position order. Team-scoped: another team's album is a 404. */
export async function getAlbum(teamId: string, albumId: string): Promise<AlbumView> {
  const a = await db().album.findFirst({
    where: { id: albumId, teamId },
    include: {
      photos: {
        orderBy: { position: "asc" },
        include: {
          photo: {
            select: {
              id: true,
              originalName: true,
              width: true,
              height: true,
              instagramScore: true,
              qualityScore: true,
              userCaption: true,
              userHashtags: true,
              userCategory: true,
              // The stored category: without a key, "people" when the face stage found faces (effectiveText).
              category: true,
              analysis: { select: { result: true } },
              faceScan: { select: { faceCount: true, eyesClosed: true, mainFaceSharpness: true, faces: true, error: true } },
            },
          },
        },
      },
    },
  });
  if (!a) throw notFound("Album not found");
  const slideRatio = a.kind === "CAROUSEL" ? carouselRatio(a.photos[0]?.photo) : null;
  return {
    id: a.id,
    teamId: a.teamId,
    name: a.name,
    kind: a.kind,
    category: a.category,
    setId: a.setId,
    coverPhotoId: a.coverPhotoId,
    orderedByHand: a.orderedByHand,
    slideRatio,
    photos: a.photos.map(({ photo: p, position }) => {
      const analysis = p.analysis ? parseStoredAnalysis(p.analysis.result) : null;
      const eff = effectiveText(p, analysis);
      const faces = photoFaces(p.faceScan)?.faces.map((f) => f.box) ?? [];
      // The model's box for the ratio, moved to keep the faces in (as the export does, lib/export/plan.ts).
      const aware = (ratio: ExportRatio) => {
        const crop = analysis?.crops[modelRatioFor(ratio)] ?? null;
        return p.width && p.height && (faces.length > 0 || ratio === "3:4")
          ? toRelative(faceAwareCrop(crop, ratio, p.width, p.height, faces).rect, p.width, p.height)
          : crop;
      };
      return {
        id: p.id,
        position,
        originalName: p.originalName,
        width: p.width,
        height: p.height,
        instagramScore: p.instagramScore,
        qualityScore: p.qualityScore,
        aiAnalysed: eff.aiAnalysed,
        caption: eff.caption,
        hashtags: eff.hashtags,
        altText: eff.altText,
        category: eff.category,
        crop45: aware("4:5"),
        grid34: aware("3:4"),
        slide: slideRatio && p.width && p.height ? relativeCrop(aware(slideRatio), slideRatio, p.width, p.height) : null,
      };
    }),
  };
}

export const createAlbumSchema = z.object({
  name: z.string().trim().min(1, "Enter an album name.").max(80),
  kind: z.enum(["CUSTOM", "CAROUSEL"]).default("CUSTOM"),
  setId: z.string().min(1).max(40).optional(),
  photoIds: z.array(z.string().min(1).max(40)).max(1000).default([]),
  /** Carousels: order the photos by the suggestion (cover first) instead of as given. */
  suggestOrder: z.boolean().default(false),
});

async function assertTeamPhotos(teamId: string, photoIds: string[]) {
  const unique = [...new Set(photoIds)];
  const photos = await db().photo.findMany({
    where: { id: { in: unique }, teamId },
    select: { id: true, instagramScore: true, qualityScore: true, takenAt: true, originalName: true, state: true, failedStage: true, stateReason: true },
  });
  if (photos.length !== unique.length) throw notFound("Photo not found");
  // A file the image pipeline refused (a decompression bomb, a truncated or
  // corrupt file) never enters an album: albums are shared and exported, and
  // an export would have to decode it (issue 13, finding 2).
  const refused = photos.find(isFailedInPipeline);
  if (refused) {
    throw conflict(
      `"${refused.originalName}" could not be read (${refused.stateReason ?? "the image pipeline refused it"}), so it cannot be put in an album.`,
    );
  }
  return { unique, photos };
}


/**
 * Takes photos out of every album they are in - the image pipeline refused
 * them - and gives an album whose cover left its first remaining photo.
 */
export async function dropFromAlbums(photoIds: string[]): Promise<void> {
  if (!photoIds.length) return;
  await db().$transaction(async (tx) => {
    const gone = await tx.$queryRaw<{ albumId: string }[]>`
      DELETE FROM "AlbumPhoto" WHERE "photoId" = ANY(${photoIds}::text[]) RETURNING "albumId"`;
    const albumIds = [...new Set(gone.map((g) => g.albumId))];
    if (!albumIds.length) return;
    await tx.$executeRaw`
      UPDATE "Album" a SET "coverPhotoId" = (
        SELECT ap."photoId" FROM "AlbumPhoto" ap WHERE ap."albumId" = a.id ORDER BY ap.position LIMIT 1), "updatedAt" = now()
      WHERE a.id = ANY(${albumIds}::text[])`;
  });
}

export async function createAlbum(teamId: string, input: z.infer<typeof createAlbumSchema>): Promise<{ id: string }> {
  if (input.setId) {
    const set = await db().photoSet.findFirst({ where: { id: input.setId, teamId }, select: { id: true } });
    if (!set) throw notFound("Photo set not found");
  }
  const { unique, photos } = await assertTeamPhotos(teamId, input.photoIds);
  let order = unique;
  if (input.kind === "CAROUSEL") {
    if (input.suggestOrder) order = suggestCarousel(photos);
    else if (order.length > CAROUSEL_MAX) throw badRequest(`A carousel holds at most ${CAROUSEL_MAX} photos.`);
  }
  return db().$transaction(async (tx) => {
    const album = await tx.album.create({
      data: { teamId, setId: input.setId ?? null, name: input.name, kind: input.kind, orderedByHand: true },
      select: { id: true },
    });
    await writeAlbumOrder(tx, album.id, order);
    return album;
  });
}

async function editableAlbum(teamId: string, albumId: string) {
  const a = await db().album.findFirst({
    where: { id: albumId, teamId },
    select: { id: true, kind: true, setId: true, photos: { select: { photoId: true }, orderBy: { position: "asc" } } },
  });
  if (!a) throw notFound("Album not found");
  return { ...a, order: a.photos.map((p) => p.photoId) };
}

function assertHandMade(kind: AlbumKind): void {
  if (kind === "CATEGORY" || kind === "BEST") {
    throw conflict("This album is computed from the results; change a photo's category or score instead, or make a custom album.");
  }
}

export async function addPhotosToAlbum(teamId: string, albumId: string, photoIds: string[]): Promise<number> {
  const album = await editableAlbum(teamId, albumId);
  assertHandMade(album.kind);
  const { unique } = await assertTeamPhotos(teamId, photoIds);
  const have = new Set(album.order);
  const order = [...album.order, ...unique.filter((id) => !have.has(id))];
  if (album.kind === "CAROUSEL" && order.length > CAROUSEL_MAX) {
    throw badRequest(`A carousel holds at most ${CAROUSEL_MAX} photos.`);
  }
  await db().$transaction((tx) => writeAlbumOrder(tx, albumId, order));
  return order.length;
}

export async function removePhotoFromAlbum(teamId: string, albumId: string, photoId: string): Promise<void> {
  const album = await editableAlbum(teamId, albumId);
  assertHandMade(album.kind);
  if (!album.order.includes(photoId)) throw notFound("Photo not in this album");
  await db().$transaction((tx) => writeAlbumOrder(tx, albumId, album.order.filter((id) => id !== photoId)));
}

/** Sets the full order of an album (drag and drop / move buttons); the members must be exactly the album's. */
export async function reorderAlbum(teamId: string, albumId: string, photoIds: string[]): Promise<void> {
  const album = await editableAlbum(teamId, albumId);
  const want = new Set(photoIds);
  if (want.size !== photoIds.length || photoIds.length !== album.order.length || album.order.some((id) => !want.has(id))) {
    throw conflict("The album changed while you were reordering it; reload and try again.");
  }
  await db().$transaction(async (tx) => {
    await writeAlbumOrder(tx, albumId, photoIds);
    await tx.album.update({ where: { id: albumId }, data: { orderedByHand: true } });
  });
}

/** Reorders a carousel (or any album) by the suggestion: best photo as cover, then as taken. */
export async function applySuggestedOrder(teamId: string, albumId: string): Promise<string[]> {
  const album = await editableAlbum(teamId, albumId);
  const photos = await db().photo.findMany({
    where: { id: { in: album.order } },
    select: { id: true, instagramScore: true, qualityScore: true, takenAt: true },
  });
  const suggested = suggestCarousel(photos);
  // Albums larger than a carousel keep the rest after the suggested ten, in their order.
  const rest = album.order.filter((id) => !suggested.includes(id));
  const order = [...suggested, ...rest];
  await reorderAlbum(teamId, albumId, order);
  return order;
}

export async function renameAlbum(teamId: string, albumId: string, name: string): Promise<void> {
  const album = await editableAlbum(teamId, albumId);
  assertHandMade(album.kind);
  await db().album.update({ where: { id: albumId }, data: { name } });
}

export async function deleteAlbum(teamId: string, albumId: string): Promise<void> {
  const album = await editableAlbum(teamId, albumId);
  assertHandMade(album.kind);
  await db().album.delete({ where: { id: albumId } });
}

/** The albums a person can add photos to (custom albums and carousels), by name. */
export async function listAlbumTargets(teamId: string): Promise<{ id: string; name: string; kind: AlbumKind }[]> {
  return db().album.findMany({
    where: { teamId, kind: { in: ["CUSTOM", "CAROUSEL"] } },
    select: { id: true, name: true, kind: true },
    orderBy: { name: "asc" },
  });
}
