// The files of an export, produced one at a time (an async generator) so a
// writer - the ZIP stream or a folder on disk - holds one photo in memory at a
// time, whatever the size of the set.
import { createHash } from "node:crypto";
import { stringify } from "csv-stringify/sync";
import { renderInstagramJpeg } from "./instagram-jpeg";
import type { ExportRatio } from "@/lib/organize/crops";
import type { ExportFolder, ExportPhoto, ExportPlan } from "./plan";
import { xmpSidecar } from "./xmp";

/** The XMP of one exported photo: the same packet goes beside the JPEG and inside it. */
function photoXmp(p: ExportPhoto): string {
  return xmpSidecar({
    title: p.originalName,
    description: p.caption ?? p.description,
    category: p.category,
    tags: p.tags,
    hashtags: p.hashtags,
    altText: p.altText,
    rating: p.rating,
    flag: p.flag,
  });
}

export interface ExportEntry {
  /** Path inside the export, with "/" separators. */
  path: string;
  /** Empty for a photo the writer said it already holds (see `reuse`). */
  data: Buffer | string;
  /** Already compressed (JPEG): store without deflating again. */
  compressed?: boolean;
  /** For a photo's JPEG: what its bytes are made from (see jpegKey); equal keys give the same file. */
  key?: string;
  /** The writer already holds this file with this key: nothing was rendered. */
  reused?: boolean;
}

/** Bump when renderInstagramJpeg's output changes for the same inputs, so folders re-render. */
const RENDER_VERSION = 1;

/** Everything a photo's exported JPEG depends on, hashed: the original, the crop, ratio, width and the embedded XMP. */
export function jpegKey(plan: ExportPlan, p: ExportPhoto, ratio: ExportRatio = plan.ratio): string {
  return createHash("sha256")
    .update(JSON.stringify([RENDER_VERSION, p.contentHash, p.crop, ratio, plan.width ?? null, photoXmp(p)]))
    .digest("hex");
}

export type LoadOriginal = (contentHash: string) => Promise<Buffer>;

const CSV_COLUMNS = [
  "file",
  "album",
  "original_name",
  "caption",
  "hashtags",
  "alt_text",
  "category",
  "instagram_score",
  "quality_score",
  "rating",
  "flag",
  "people",
  "face_problems",
  "analysed_by_ai",
] as const;

/** A share link's CSV: the share page's fields, and the original name only when the link includes names. */
const SHARED_CSV_COLUMNS = ["file", "album", "original_name", "caption", "hashtags", "alt_text"] as const;

export function captionsCsv(folder: ExportFolder, shared = false): string {
  const columns: readonly string[] = shared
    ? SHARED_CSV_COLUMNS.filter((c) => c !== "original_name" || folder.photos.some((p) => p.originalName !== null))
    : CSV_COLUMNS;
  return stringify(
    folder.photos.map((p) => ({
      file: `${p.file}.jpg`,
      album: folder.name,
      original_name: p.originalName,
      caption: p.caption ?? "",
      hashtags: p.hashtags.join(" "),
      alt_text: p.altText ?? "",
      category: p.category ?? "",
      instagram_score: p.instagramScore ?? "",
      quality_score: p.qualityScore ?? "",
      rating: p.rating ?? "",
      flag: p.flag === "PICK" ? "pick" : p.flag === "REJECT" ? "reject" : "",
      people: p.faceCount ?? "",
      face_problems: p.faceProblems.join("; "),
      analysed_by_ai: p.aiAnalysed ? "yes" : "no",
    })),
    // escape_formulas: a cell starting with = + - @ TAB or CR gets a leading
    // apostrophe, so a caption like =HYPERLINK(...) opens as text, not as a
    // formula, in Excel, LibreOffice, Numbers or Sheets (OWASP "CSV injection").
    // Captions come from the model and from any member, and reach public share ZIPs.
    { header: true, columns: [...columns], bom: true, escape_formulas: true },
  );
}

export function captionsJson(folder: ExportFolder, shared = false): string {
  if (shared) {
    const photos = folder.photos.map((p) => ({
      file: `${p.file}.jpg`,
      ...(p.originalName !== null ? { originalName: p.originalName } : {}),
      caption: p.caption,
      hashtags: p.hashtags,
      altText: p.altText,
    }));
    return `${JSON.stringify({ album: folder.name, photos }, null, 2)}\n`;
  }
  const photos = folder.photos.map((p) => ({
    file: `${p.file}.jpg`,
    originalName: p.originalName,
    analysedByAi: p.aiAnalysed,
    caption: p.caption,
    hashtags: p.hashtags,
    altText: p.altText,
    description: p.description,
    tags: p.tags,
    category: p.category,
    instagramScore: p.instagramScore,
    qualityScore: p.qualityScore,
    rating: p.rating,
    flag: p.flag === "PICK" ? "pick" : p.flag === "REJECT" ? "reject" : null,
    people: p.faceCount,
    faceProblems: p.faceProblems,
  }));
  return `${JSON.stringify({ album: folder.name, kind: folder.kind, photos }, null, 2)}\n`;
}

type Rendered = { jpeg: Buffer } | { error: Error } | { reused: true };

/**
 * The photos' JPEGs in export order, with up to `ahead` renders in flight: with
 * 1 a photo is rendered only when the writer asks for it; more lets a writer
 * that is otherwise idle (a folder on disk) use every core, holding at most
 * `ahead` rendered photos at a time.
 */
async function* renderedInOrder(
  plan: ExportPlan,
  loadOriginal: LoadOriginal,
  ahead: number,
  reused: (folder: ExportFolder, p: ExportPhoto) => boolean,
): AsyncGenerator<Rendered> {
  const photos = plan.folders.flatMap((f) => f.photos.map((p) => ({ f, p })));
  const render = async ({ f, p }: { f: ExportFolder; p: ExportPhoto }): Promise<Rendered> => {
    if (reused(f, p)) return { reused: true };
    // Never opened: the pipeline has not read this file safely (issue 13, finding 2).
    if (p.notPrepared) return { error: new Error(p.notPrepared) };
    try {
      const original = await loadOriginal(p.contentHash);
      return { jpeg: await renderInstagramJpeg(original, p.crop, f.ratio ?? plan.ratio, undefined, { width: plan.width, xmp: photoXmp(p) }) };
    } catch (err) {
      return { error: err as Error };
    }
  };
  const inFlight: Promise<Rendered>[] = [];
  let next = 0;
  while (next < photos.length || inFlight.length) {
    while (inFlight.length < Math.max(1, ahead) && next < photos.length) inFlight.push(render(photos[next++]!));
    yield await inFlight.shift()!;
  }
}

export async function* exportEntries(
  plan: ExportPlan,
  loadOriginal: LoadOriginal,
  opts: {
    renderAhead?: number;
    /**
     * A writer that keeps files between exports (a folder) answers true when
     * it already holds `path` made from `key`: the photo is not rendered again
     * and its entry comes with empty data and `reused`.
     */
    reuse?: (path: string, key: string) => boolean;
  } = {},
): AsyncGenerator<ExportEntry> {
  const problems: string[] = [];
  const jpegPath = (f: ExportFolder, p: ExportPhoto) => `${f.name}/${p.file}.jpg`;
  const reuse = opts.reuse;
  const key = (f: ExportFolder, p: ExportPhoto) => jpegKey(plan, p, f.ratio ?? plan.ratio);
  const rendered = renderedInOrder(plan, loadOriginal, opts.renderAhead ?? 1, (f, p) => Boolean(reuse?.(jpegPath(f, p), key(f, p))));
  try {
    for (const folder of plan.folders) {
      for (const p of folder.photos) {
        const r = (await rendered.next()).value as Rendered;
        if ("error" in r) {
          // One unreadable original must not cost the person the whole export.
          problems.push(`${folder.name}/${p.file}.jpg${p.originalName !== null ? ` (${p.originalName})` : ""}: ${r.error.message}`);
          continue;
        }
        if ("reused" in r) yield { path: jpegPath(folder, p), data: Buffer.alloc(0), compressed: true, key: key(folder, p), reused: true };
        else yield { path: jpegPath(folder, p), data: r.jpeg, compressed: true, key: reuse ? key(folder, p) : undefined };
        yield { path: `${folder.name}/${p.file}.xmp`, data: photoXmp(p) };
      }
      yield { path: `${folder.name}/captions.csv`, data: captionsCsv(folder, plan.shared) };
      yield { path: `${folder.name}/captions.json`, data: captionsJson(folder, plan.shared) };
    }
  } finally {
    // Stopped early (an aborted download): no more renders are started.
    await rendered.return(undefined);
  }
  if (problems.length) {
    yield { path: "export-problems.txt", data: `These photos could not be exported:\n${problems.join("\n")}\n` };
  }
}
