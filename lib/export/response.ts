// A streamed ZIP download as a route answer: the body is archiver's stream,
// rendered entry by entry while the browser reads; a closed tab stops it.
import { Readable } from "node:stream";
import type { NextRequest } from "next/server";
import { z } from "zod";
import { EXPORT_RATIOS } from "@/lib/organize/crops";
import { storage } from "@/lib/storage";
import { exportEntries } from "./entries";
import { loadExportPlan, safeName, type ExportTarget, type PlanOptions } from "./plan";
import { zipStream } from "./zip";

const ratioSchema = z.enum(EXPORT_RATIOS).catch("4:5");
const widthSchema = z.enum(["1080", "1440"]).catch("1080");

export async function zipResponse(req: NextRequest, teamId: string, target: ExportTarget, opts: PlanOptions = {}): Promise<Response> {
  const ratio = ratioSchema.parse(req.nextUrl.searchParams.get("ratio") ?? "4:5");
  const width = Number(widthSchema.parse(req.nextUrl.searchParams.get("width") ?? "1080")) as 1080 | 1440;
  const plan = await loadExportPlan(teamId, target, ratio, { width, ...opts });
  const stream = zipStream(exportEntries(plan, (hash) => storage().get(hash, "original")), req.signal);
  const name = `${safeName(plan.title, "export")} (${plan.ratio.replace(":", "x")}${width === 1080 ? "" : `, ${width}px`}).zip`;
  return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, {
    headers: {
      "content-type": "application/zip",
      "content-disposition": `attachment; filename="${name.replace(/[^\x20-\x7e]/g, "_").replace(/"/g, "")}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      "cache-control": "no-store",
    },
  });
}
