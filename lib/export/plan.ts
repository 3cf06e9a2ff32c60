// What an export contains: a folder per album, in album order, each photo with
// its effective caption/hashtags (a person's edit wins) and the model's crop for
// the chosen ratio. Loaded once from the database; the files are produced later,
// one at a time (entries.ts).
import { db, Prisma, type AlbumKind, type PhotoState } from "@/lib/db";
import { notFound } from "@/lib/errors";
import type { CropBox } from "@/lib/llama/types";
import { carouselRatio, modelRatioFor, type ExportRatio, type ExportWidth } from "@/lib/organize/crops";
import {
  effectiveText,
  FACE_SCAN_SELECT,
  faceAwareCrop,
  parseStoredAnalysis,
  photoFaces,
  refreshSetOrganization,
  toRelative,
} from "@/lib/organize";
import { isFailedInPipeline, isPrepared } from "@/lib/photos";

/** A whole set (a folder per album), one album, or a selection of photos (one folder, in the order given). */
export type ExportTarget = { setId: string } | { albumId: string } | { photoIds: string[] };

/** The folder (and ZIP) name of a selection's export. */
export const SELECTION_NAME = "Selection";

export interface ExportPhoto {
  photoId: string;
  contentHash: string;
  /** null in a share link's export whose owner did not choose to include file names. */
  originalName: string | null;
  /** File name without extension, unique inside its folder, e.g. "003-beach" (a share without names: "003"). */
  file: string;
  /**
   * Why the photo is left out without its original ever being opened: the image
   * pipeline has not prepared it (still waiting, or refused the file - a
   * decompression bomb, a truncated file). Exports decode only prepared photos.
   */
  notPrepared?: string | null;
  crop: CropBox | null;
  aiAnalysed: boolean;
  caption: string | null;
  hashtags: string[];
  altText: string | null;
  description: string | null;
  tags: string[];
  category: string | null;
  instagramScore: number | null;
  qualityScore: number | null;
  /** A person's culling: 1-5 stars and pick / reject (XMP's Rating, -1 for rejected). */
  rating: number | null;
  flag: "PICK" | "REJECT" | null;
  /** Faces found on the machine (null: not scanned) and the culling problems they show. */
  faceCount: number | null;
  faceProblems: string[];
}

export interface ExportFolder {
  name: string;
  kind: AlbumKind;
  photos: ExportPhoto[];
  /** A carousel's photos are cut to its cover's shape whatever the export's ratio (carouselRatio). */
  ratio?: ExportRatio;
}

export interface ExportPlan {
  /** A name for the ZIP file (the set's or album's name). */
  title: string;
  /** A share link's export: only what the share page shows (see shareView). */
  shared?: boolean;
  /** The ratio chosen; a carousel's folder has its own (ExportFolder.ratio), and a carousel's own export is in it. */
  ratio: ExportRatio;
  /** Width of the JPEGs: 1080 (default) or 1440. */
  width: ExportWidth;
  folders: ExportFolder[];
}

const KIND_ORDER: Record<AlbumKind, number> = { BEST: 0, CAROUSEL: 1, CUSTOM: 2, CATEGORY: 3 };

/** A file or folder name that is safe on every OS and inside a ZIP. */
export function safeName(name: string, fallback = "untitled"): string {
  const cleaned = name
    .normalize("NFKC")
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
    .replace(/[\\/:*?"<>|\u0000-\u001f]/g, " ")
    .replace(/\s+/g, " ")
    .replace(/^[.\s]+|[.\s]+$/g, "")
    .slice(0, 60)
    .trim();
  return cleaned || fallback;
}

function uniqueName(name: string, used: Set<string>): string {
  let candidate = name;
  for (let i = 2; used.has(candidate.toLowerCase()); i++) candidate = `${name} (${i})`;
  used.add(candidate.toLowerCase());
  return candidate;
}

/** What an export reads of each photo. */
export const exportPhotoSelect = {
  id: true,
  contentHash: true,
  originalName: true,
  userCaption: true,
  userHashtags: true,
  userCategory: true,
  category: true,
  instagramScore: true,
  qualityScore: true,
  rating: true,
  flag: true,
  width: true,
  height: true,
  state: true,
  stateReason: true,
  preparedAt: true,
  failedStage: true,
  analysis: { select: { result: true } },
  faceScan: { select: FACE_SCAN_SELECT },
} satisfies Prisma.PhotoSelect;

/** What a share link's visitor may take away: what the share page shows, file names only when the owner chose so. */
export interface ShareAudience {
  includeNames: boolean;
}

/** Why a photo has no image to export (its recorded stage, lib/photos), or null when the pipeline prepared it. */
function notPrepared(p: { state: PhotoState; failedStage: string | null; preparedAt: Date | null; stateReason: string | null }): string | null {
  if (isPrepared(p)) return null;
  if (isFailedInPipeline(p)) return `the image pipeline refused it (${p.stateReason ?? "unreadable"}); it is not exported`;
  return "the image pipeline has not prepared it yet; export again later";
}

/** One folder's photos, in the given order, with numbered file names unique in the folder. */
export function toExportPhotos(
  rows: Prisma.PhotoGetPayload<{ select: typeof exportPhotoSelect }>[],
  ratio: ExportRatio,
  share?: ShareAudience,
): ExportPhoto[] {
  const usedFiles = new Set<string>();
  return rows.map((p, i) => {
    const analysis = p.analysis ? parseStoredAnalysis(p.analysis.result) : null;
    const eff = effectiveText(p, analysis);
    const base = safeName(p.originalName.replace(/\.[^.]*$/, ""), "photo");
    const number = String(i + 1).padStart(3, "0");
    const faces = photoFaces(p.faceScan);
    // The suggested crop, moved to keep every face in (face-crops.ts).
    const suggested = analysis?.crops[modelRatioFor(ratio)] ?? null;
    const crop =
      faces && faces.count > 0 && p.width && p.height
        ? toRelative(faceAwareCrop(suggested, ratio, p.width, p.height, faces.faces.map((f) => f.box)).rect, p.width, p.height)
        : suggested;
    const photo: ExportPhoto = {
      photoId: p.id,
      contentHash: p.contentHash,
      originalName: p.originalName,
      file: uniqueName(share && !share.includeNames ? number : `${number}-${base}`, usedFiles),
      notPrepared: notPrepared(p),
      crop,
      aiAnalysed: eff.aiAnalysed,
      caption: eff.caption,
      hashtags: eff.hashtags,
      altText: eff.altText,
      description: eff.description,
      tags: eff.tags,
      category: eff.category,
      instagramScore: p.instagramScore,
      qualityScore: p.qualityScore,
      rating: p.rating,
      flag: p.flag,
      faceCount: faces?.count ?? null,
      faceProblems: faces?.problems.map((x) => x.text) ?? [],
    };
    return share ? shareView(photo, share) : photo;
  });
}

/**
 * A share link's export holds only what the share page shows - the photo,
 * caption, hashtags and alt text - and the file name only when the link's
 * owner chose to include names: the model's description, tags, category,
 * scores and a person's ratings stay in the team (issue 13, finding 6).
 */
function shareView(p: ExportPhoto, share: ShareAudience): ExportPhoto {
  return {
    ...p,
    originalName: share.includeNames ? p.originalName : null,
    aiAnalysed: false,
    description: null,
    tags: [],
    category: null,
    instagramScore: null,
    qualityScore: null,
    rating: null,
    flag: null,
    faceCount: null,
    faceProblems: [],
  };
}

export interface PlanOptions {
  /**
   * Refresh computed albums first (a member's export). A share link's download
   * passes false: an anonymous read never writes, it gets the last refreshed
   * state (docs/decisions/005).
   */
  refresh?: boolean;
  width?: ExportWidth;
  /** A share link's download: implies no refresh; see shareView. */
  share?: ShareAudience;
}

export async function loadExportPlan(
  teamId: string,
  target: ExportTarget,
  ratio: ExportRatio,
  opts: PlanOptions = {},
): Promise<ExportPlan> {
  const width = opts.width ?? 1080;
  if ("photoIds" in target) {
    const unique = [...new Set(target.photoIds)];
    const rows = await db().photo.findMany({ where: { id: { in: unique }, teamId }, select: exportPhotoSelect });
    if (rows.length !== unique.length) throw notFound("Photo not found");
    const byId = new Map(rows.map((r) => [r.id, r]));
    const photos = toExportPhotos(unique.map((id) => byId.get(id)!), ratio, opts.share);
    return { title: SELECTION_NAME, shared: !!opts.share, ratio, width, folders: [{ name: SELECTION_NAME, kind: "CUSTOM", photos }] };
  }
  const refresh = opts.refresh !== false && !opts.share;
  let title: string;
  let albumIds: { id: string; name: string; kind: AlbumKind }[];
  if ("setId" in target) {
    const set = await db().photoSet.findFirst({ where: { id: target.setId, teamId }, select: { id: true, name: true } });
    if (!set) throw notFound("Photo set not found");
    if (refresh) await refreshSetOrganization(set.id);
    title = set.name;
    albumIds = await db().album.findMany({ where: { setId: set.id }, select: { id: true, name: true, kind: true } });
    albumIds.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.name.localeCompare(b.name));
  } else {
    const album = await db().album.findFirst({
      where: { id: target.albumId, teamId },
      select: { id: true, name: true, kind: true, setId: true },
    });
    if (!album) throw notFound("Album not found");
    if (refresh && album.setId && (album.kind === "CATEGORY" || album.kind === "BEST")) await refreshSetOrganization(album.setId);
    title = album.name;
    albumIds = [album];
  }

  const usedFolders = new Set<string>();
  const folders: ExportFolder[] = [];
  for (const album of albumIds) {
    const rows = await db().albumPhoto.findMany({
      where: { albumId: album.id },
      orderBy: { position: "asc" },
      select: { photo: { select: exportPhotoSelect } },
    });
    // Instagram shows every slide of a carousel in the first slide's shape: cut them all to it.
    const own = album.kind === "CAROUSEL" ? carouselRatio(rows[0]?.photo) : undefined;
    const photos = toExportPhotos(
      rows.map((r) => r.photo),
      own ?? ratio,
      opts.share,
    );
    folders.push({ name: uniqueName(safeName(album.name, "album"), usedFolders), kind: album.kind, photos, ...(own ? { ratio: own } : {}) });
  }
  // One carousel's export is in its own ratio (and its ZIP is named so).
  const only = "albumId" in target ? folders[0]?.ratio : undefined;
  return { title, shared: !!opts.share, ratio: only ?? ratio, width, folders };
}
