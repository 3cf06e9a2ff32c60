// POST /api/teams/:teamId/photos/export?ratio=4:5&width=1080 - the selected photos { photoIds } (JSON, or a form's comma-separated photoIds) as a streamed ZIP (viewer+)
import type { NextRequest } from "next/server";
import { z } from "zod";
import { zipResponse } from "@/lib/export";
import { AppError, badRequest } from "@/lib/errors";
import { readJson, route } from "@/lib/http";
import { BULK_MAX } from "@/lib/organize";

const selection = z.object({
  photoIds: z
    .union([z.array(z.string()), z.string().transform((s) => s.split(",").filter(Boolean))])
    .pipe(z.array(z.string().min(1).max(40)).min(1, "Select at least one photo.").max(BULK_MAX)),
});

/** 5,000 ids of up to 40 characters, comma-separated, form-encoded. */
const MAX_FORM_BYTES = 256 * 1024;

/**
 * A download is a form's POST (the browser saves the answer as a file, never
 * holding the ZIP in memory); scripts may send JSON. Browsers always send a
 * form's length, and the HTTP parser reads no more than it, which bounds it.
 */
async function readSelection(req: NextRequest) {
  if (req.headers.get("content-type")?.startsWith("application/x-www-form-urlencoded")) {
    const length = Number(req.headers.get("content-length") ?? "NaN");
    if (!Number.isFinite(length)) throw badRequest("Send the selection with a Content-Length.");
    if (length > MAX_FORM_BYTES) throw new AppError("payload_too_large", "The selection is too large; download at most 5,000 photos at a time.");
    return selection.parse(Object.fromEntries(new URLSearchParams(await req.text())));
  }
  return readJson(req, selection);
}

export const POST = route({ role: "VIEWER" }, async (req, { params: { teamId } }) => {
  const { photoIds } = await readSelection(req);
  return zipResponse(req, teamId, { photoIds });
});
