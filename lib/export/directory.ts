// The CLI's export: the same layout as the ZIP, written to a folder.
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import type { InstagramRatio } from "@/lib/llama/types";
import { storage } from "@/lib/storage";
import { exportEntries } from "./entries";
import { loadExportPlan } from "./plan";

export async function exportSetToDirectory(
  setId: string,
  outDir: string,
  opts: { ratio?: InstagramRatio } = {},
): Promise<{ files: number; albums: number }> {
  const set = await db().photoSet.findUnique({ where: { id: setId }, select: { teamId: true } });
  if (!set) throw notFound("Photo set not found");
  const plan = await loadExportPlan(set.teamId, { setId }, opts.ratio ?? "4:5");
  const root = path.resolve(outDir);
  let files = 0;
  // Nothing else runs while a folder is written, so render on every core
  // (sharp runs one thread per image here; see lib/images/sharp.ts).
  const renderAhead = os.availableParallelism();
  for await (const e of exportEntries(plan, (hash) => storage().get(hash, "original"), { renderAhead })) {
    const file = path.join(root, ...e.path.split("/"));
    // Entry paths are built from sanitised names; refuse anything that would leave outDir anyway.
    if (!file.startsWith(root + path.sep)) throw new Error(`refusing to write outside ${root}: ${e.path}`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, e.data);
    files++;
  }
  return { files, albums: plan.folders.length };
}
