// POST /api/teams/:teamId/sets/:setId/uploads - upload photos as multipart/form-data (member+).
// Answers one result per file; the status is 200 when every file was accepted,
// else that of the first refusal (413 too large, 415 not an accepted image, ...).
import { NextResponse } from "next/server";
import { id, route } from "@/lib/http";
import { receiveUpload } from "@/lib/images";
import { getSetOr404 } from "@/lib/sets";

export const POST = route({ role: "MEMBER", params: { setId: id } }, async (req, { params: { setId }, team }) => {
  const set = await getSetOr404(team.id, setId);
  const results = await receiveUpload(req, { teamId: team.id, setId: set.id });
  const refused = results.find((r) => !r.ok);
  if (!refused) return { results };
  return NextResponse.json(
    { results, error: { code: refused.code, message: refused.message } },
    { status: refused.status },
  );
});
