// The CLI's intake: every image file under a folder (recursively, in name
// order) into the "CLI" team's set for that folder, through the same ingest and
// image pipeline as uploads. Files already in the set are recognised by content.
import { createReadStream } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { count } from "@/lib/count";
import { db } from "@/lib/db";
import { ingestFile } from "@/lib/images";
import { processPendingPhotos } from "@/lib/images/pipeline";
import { FAILED_IN_PIPELINE } from "@/lib/photos";

const IMAGE_EXT = new Set([".jpg", ".jpeg", ".png", ".webp", ".avif", ".tif", ".tiff", ".gif", ".heic", ".heif"]);
export const CLI_TEAM = "CLI";
const CLI_EMAIL = "cli@localhost";

export interface FolderIngest {
  teamId: string;
  setId: string;
  files: number;
  added: number;
  duplicates: number;
  rejected: { file: string; reason: string }[];
}

async function* walk(dir: string): AsyncGenerator<string> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile() && IMAGE_EXT.has(path.extname(e.name).toLowerCase())) yield p;
  }
}

/** The CLI team, its user, and the set named after the source folder (created once, reused after). */
async function cliSet(source: string): Promise<{ teamId: string; setId: string }> {
  const client = db();
  const user = await client.user.upsert({
    where: { email: CLI_EMAIL },
    update: {},
    create: { email: CLI_EMAIL, name: "Command line", passwordHash: "!" },
  });
  let team = await client.team.findFirst({ where: { name: CLI_TEAM, memberships: { some: { userId: user.id } } } });
  team ??= await client.team.create({ data: { name: CLI_TEAM, memberships: { create: { userId: user.id, role: "OWNER" } } } });
  let set = await client.photoSet.findFirst({ where: { teamId: team.id, name: source } });
  set ??= await client.photoSet.create({ data: { teamId: team.id, name: source, createdById: user.id } });
  return { teamId: team.id, setId: set.id };
}

export async function ingestFolder(
  source: string,
  opts: { limit?: number; log?: (m: string) => void; phase?: (name: string) => void } = {},
): Promise<FolderIngest> {
  const { teamId, setId } = await cliSet(source);
  const out: FolderIngest = { teamId, setId, files: 0, added: 0, duplicates: 0, rejected: [] };
  // Where each photo's file is in the folder: the photo keeps only a name
  // (day2/q0.jpg is stored as q0.jpg), so refusals are reported by this map.
  const fileOf = new Map<string, string>();
  for await (const file of walk(source)) {
    if (opts.limit !== undefined && out.files >= opts.limit) break;
    out.files += 1;
    try {
      const r = await ingestFile({ teamId, setId, originalName: path.relative(source, file), stream: createReadStream(file) });
      if (r.duplicate) out.duplicates += 1;
      else out.added += 1;
      if (!fileOf.has(r.photoId)) fileOf.set(r.photoId, file);
    } catch (err) {
      out.rejected.push({ file, reason: (err as Error).message });
    }
    if (out.files % 500 === 0) opts.log?.(`  ${out.files} files read...`);
  }
  opts.log?.(`Read ${count(out.files, "file")} from ${source}: ${out.added} new, ${out.duplicates} already known, ${out.rejected.length} refused.`);
  opts.phase?.("files stored");
  // Decode, measure and hash the new ones (the image pipeline) so they are queued for analysis.
  const processed = await processPendingPhotos({ setId });
  opts.phase?.("image pipeline done");
  if (processed > 0) opts.log?.(`${count(processed, "photo")} through the image pipeline (analysis image, thumbnail, measurements, duplicates).`);
  // Files the pipeline could not read (truncated, corrupt, too many pixels), from this run or an
  // earlier one, are refused with the pipeline's reason: the model never sees them.
  // A file no longer in the folder is not reported: it is not the folder's problem any more.
  const unreadable = await db().photo.findMany({
    where: { setId, ...FAILED_IN_PIPELINE, id: { in: [...fileOf.keys()] } },
    select: { id: true, stateReason: true },
  });
  const refused = unreadable.map((p) => ({ file: fileOf.get(p.id)!, reason: p.stateReason ?? "The image could not be read." }));
  out.rejected.push(...refused.sort((a, b) => a.file.localeCompare(b.file)));
  if (unreadable.length > 0) opts.log?.(`${count(unreadable.length, "file")} could not be decoded and will not be analysed (see refused_files).`);
  return out;
}
