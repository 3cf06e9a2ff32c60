// The CLI's export: the same layout as the ZIP, written to a folder, plus a
// folder per near-duplicate group with every copy's original file, the keeper
// named first.
//
// A folder is exported again and again (every run of `npm run organize` on the
// same source), so only what changed is written: a manifest in the folder
// (MANIFEST) records each file it wrote with the key of what it was made from
// - for a photo's JPEG the original, crop, ratio, width and XMP (jpegKey) - and
// a file whose key is unchanged and still on disk is neither rendered nor
// written again. Files a previous export wrote that this one no longer has (a
// photo moved to another album) are removed; files the manifest does not list
// (a person's own) are never touched.
import { createHash } from "node:crypto";
import { mkdir, readFile, rmdir, stat, unlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { isPrepared } from "@/lib/photos";
import type { InstagramRatio } from "@/lib/llama/types";
import { storage } from "@/lib/storage";
import { exportEntries, type ExportEntry } from "./entries";
import { loadExportPlan, safeName } from "./plan";

export const MANIFEST = ".instaorganizer-export.json";
export const DUPLICATES_FOLDER = "Duplicates";

interface Manifest {
  version: 1;
  /** Path inside the folder ("/" separators) -> key of its content. */
  files: Record<string, string>;
}

export interface DirectoryExport {
  /** Files the export consists of. */
  files: number;
  albums: number;
  duplicateGroups: number;
  /** Files written by this run (new or changed); the rest were already there. */
  written: number;
  /** Files of an earlier export removed because this one no longer has them. */
  removed: number;
}

type Put = (rel: string, key: string, data: Buffer | string | (() => Promise<Buffer>)) => Promise<void>;

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

async function readManifest(root: string): Promise<Manifest> {
  try {
    const m = JSON.parse(await readFile(path.join(root, MANIFEST), "utf8")) as Manifest;
    if (m.version === 1 && m.files && typeof m.files === "object") return m;
  } catch {
    // none yet, or unreadable: everything is written
  }
  return { version: 1, files: {} };
}

const exists = (file: string) => stat(file).then(
  (s) => s.isFile(),
  () => false,
);

export async function exportSetToDirectory(setId: string, outDir: string, opts: { ratio?: InstagramRatio } = {}): Promise<DirectoryExport> {
  const set = await db().photoSet.findUnique({ where: { id: setId }, select: { teamId: true } });
  if (!set) throw notFound("Photo set not found");
  const plan = await loadExportPlan(set.teamId, { setId }, opts.ratio ?? "4:5");
  const root = path.resolve(outDir);
  await mkdir(root, { recursive: true });
  const before = await readManifest(root);
  const after: Manifest = { version: 1, files: {} };
  const fileOf = (rel: string) => {
    const file = path.join(root, ...rel.split("/"));
    // Entry paths are built from sanitised names; refuse anything that would leave outDir anyway.
    if (!file.startsWith(root + path.sep)) throw new Error(`refusing to write outside ${root}: ${rel}`);
    return file;
  };
  // Which JPEGs need no render: same key as last time, and the file is still there.
  const onDisk = new Map<string, boolean>();
  await Promise.all(
    Object.keys(before.files).map(async (rel) => onDisk.set(rel, rel.endsWith(".jpg") && (await exists(fileOf(rel))))),
  );
  const reuse = (rel: string, key: string) => before.files[rel] === key && onDisk.get(rel) === true;

  let written = 0;
  /** Writes `rel` unless the folder already holds it with this key; `data` is produced only when written. */
  const put: Put = async (rel, key, data) => {
    after.files[rel] = key;
    const file = fileOf(rel);
    if (before.files[rel] === key && (await exists(file))) return;
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, typeof data === "function" ? await data() : data);
    written++;
  };
  const place = async (e: ExportEntry) => {
    if (e.reused) after.files[e.path] = e.key!;
    else await put(e.path, e.key ?? sha256(e.data), e.data);
  };

  // Nothing else runs while a folder is written, so render on every core
  // (sharp runs one thread per image here; see lib/images/sharp.ts).
  const renderAhead = os.availableParallelism();
  for await (const e of exportEntries(plan, (hash) => storage().get(hash, "original"), { renderAhead, reuse })) await place(e);
  const duplicateGroups = await writeDuplicateGroups(setId, put);

  // What an earlier export wrote and this one does not have any more.
  let removed = 0;
  for (const rel of Object.keys(before.files)) {
    if (rel in after.files) continue;
    const file = fileOf(rel);
    if (await unlink(file).then(() => true, () => false)) removed++;
    // Its folder goes too when that leaves it empty (rmdir refuses otherwise).
    await rmdir(path.dirname(file)).catch(() => undefined);
  }
  await writeFile(path.join(root, MANIFEST), `${JSON.stringify(after)}\n`);
  return { files: Object.keys(after.files).length, albums: plan.folders.length, duplicateGroups, written, removed };
}

/**
 * "Duplicates/01 YellowFlower/": one folder per near-duplicate group of two or
 * more photos, holding each copy's original file as uploaded - the keeper
 * first ("keeper - YellowFlower.jpg"), the others under their own names - so
 * a person can compare them and delete the extras. Returns how many groups.
 */
async function writeDuplicateGroups(setId: string, put: Put): Promise<number> {
  const groups = await db().duplicateGroup.findMany({
    where: { setId },
    orderBy: { createdAt: "asc" },
    select: {
      keeperPhotoId: true,
      photos: { select: { id: true, contentHash: true, originalName: true, preparedAt: true }, orderBy: { originalName: "asc" } },
    },
  });
  const real = groups.filter((g) => g.photos.length > 1);
  const pad = String(real.length).length;
  for (const [i, g] of real.entries()) {
    const keeper = g.photos.find((p) => p.id === g.keeperPhotoId);
    const ordered = keeper ? [keeper, ...g.photos.filter((p) => p !== keeper)] : g.photos;
    const folder = `${DUPLICATES_FOLDER}/${String(i + 1).padStart(Math.max(2, pad), "0")} ${safeName(stem(ordered[0]!.originalName), "group")}`;
    const used = new Set<string>();
    for (const p of ordered) {
      // Only what the pipeline prepared is copied out: nothing says a file it
      // refused (or has not read yet) is safe to open.
      if (!isPrepared(p)) continue;
      const base = `${p === keeper ? "keeper - " : ""}${safeName(p.originalName, "photo")}`;
      let name = base;
      for (let n = 2; used.has(name.toLowerCase()); n++) name = `${stem(base)} (${n})${path.extname(base)}`;
      used.add(name.toLowerCase());
      const rel = `${folder}/${name}`;
      // The content hash is the key: the original is read only when this file is new or changed.
      await put(rel, p.contentHash, () => storage().get(p.contentHash, "original"));
    }
  }
  return real.length;
}

const stem = (name: string) => name.replace(/\.[^.]*$/, "");
