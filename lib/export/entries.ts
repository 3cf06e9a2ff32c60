// The files of an export, produced one at a time (an async generator) so a
// writer - the ZIP stream or a folder on disk - holds one photo in memory at a
// time, whatever the size of the set.
import { stringify } from "csv-stringify/sync";
import { renderInstagramJpeg } from "./instagram-jpeg";
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
  data: Buffer | string;
  /** Already compressed (JPEG): store without deflating again. */
  compressed?: boolean;
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
  "analysed_by_ai",
] as const;

export function captionsCsv(folder: ExportFolder): string {
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
      analysed_by_ai: p.aiAnalysed ? "yes" : "no",
    })),
    // escape_formulas: a cell starting with = + - @ TAB or CR gets a leading
    // apostrophe, so a caption like =HYPERLINK(...) opens as text, not as a
    // formula, in Excel, LibreOffice, Numbers or Sheets (OWASP "CSV injection").
    // Captions come from the model and from any member, and reach public share ZIPs.
    { header: true, columns: [...CSV_COLUMNS], bom: true, escape_formulas: true },
  );
}

export function captionsJson(folder: ExportFolder): string {
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
  }));
  return `${JSON.stringify({ album: folder.name, kind: folder.kind, photos }, null, 2)}\n`;
}

type Rendered = { jpeg: Buffer } | { error: Error };

/**
 * The photos' JPEGs in export order, with up to `ahead` renders in flight: with
 * 1 a photo is rendered only when the writer asks for it; more lets a writer
 * that is otherwise idle (a folder on disk) use every core, holding at most
 * `ahead` rendered photos at a time.
 */
async function* renderedInOrder(plan: ExportPlan, loadOriginal: LoadOriginal, ahead: number): AsyncGenerator<Rendered> {
  const photos = plan.folders.flatMap((f) => f.photos);
  const render = async (p: ExportPhoto): Promise<Rendered> => {
    try {
      const original = await loadOriginal(p.contentHash);
      return { jpeg: await renderInstagramJpeg(original, p.crop, plan.ratio, undefined, { width: plan.width, xmp: photoXmp(p) }) };
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
  opts: { renderAhead?: number } = {},
): AsyncGenerator<ExportEntry> {
  const problems: string[] = [];
  const rendered = renderedInOrder(plan, loadOriginal, opts.renderAhead ?? 1);
  try {
    for (const folder of plan.folders) {
      for (const p of folder.photos) {
        const r = (await rendered.next()).value as Rendered;
        if ("error" in r) {
          // One unreadable original must not cost the person the whole export.
          problems.push(`${folder.name}/${p.file}.jpg (${p.originalName}): ${r.error.message}`);
          continue;
        }
        yield { path: `${folder.name}/${p.file}.jpg`, data: r.jpeg, compressed: true };
        yield { path: `${folder.name}/${p.file}.xmp`, data: photoXmp(p) };
      }
      yield { path: `${folder.name}/captions.csv`, data: captionsCsv(folder) };
      yield { path: `${folder.name}/captions.json`, data: captionsJson(folder) };
    }
  } finally {
    // Stopped early (an aborted download): no more renders are started.
    await rendered.return(undefined);
  }
  if (problems.length) {
    yield { path: "export-problems.txt", data: `These photos could not be exported:\n${problems.join("\n")}\n` };
  }
}
