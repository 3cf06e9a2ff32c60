// GET /api/teams/:teamId/sets/:setId/analysis - live progress of the set (viewer+).
//   In production lib/server/progress-poll.ts answers it before Next does (same
//   gate, same answer); this handler serves `next dev` and is the fallback.
// POST /api/teams/:teamId/sets/:setId/analysis - start|pause|resume|cancel|retry-failed|analyse-skipped (member+)
import { NextResponse } from "next/server";
import { z } from "zod";
import { id, readJson, route } from "@/lib/http";
import { dashboardProgress, forgetDashboardProgress, requeueFailed, requeueSkipped, setRunStatus } from "@/lib/runs";
import { POLL_HEADERS } from "@/lib/server/progress-poll";
import { getSetOr404 } from "@/lib/sets";

export const GET = route({ role: "VIEWER", params: { setId: id } }, async (_req, { params: { teamId, setId } }) => {
  return NextResponse.json(await dashboardProgress(teamId, setId), { headers: POLL_HEADERS });
});

const body = z.object({
  action: z.enum(["start", "pause", "resume", "cancel", "retry-failed", "analyse-skipped"]),
});

export const POST = route({ role: "MEMBER", params: { setId: id } }, async (req, { params: { teamId, setId } }) => {
  const { action } = await readJson(req, body);
  forgetDashboardProgress(teamId, setId);
  switch (action) {
    case "start":
    case "pause":
    case "resume":
    case "cancel":
      return { status: await setRunStatus(teamId, setId, action) };
    case "retry-failed":
    case "analyse-skipped": {
      await getSetOr404(teamId, setId);
      const requeued =
        action === "retry-failed"
          ? await requeueFailed(setId).then((r) => r.images + r.analyses)
          : await requeueSkipped(setId);
      // A cancelled or paused set would never pick them up: retrying means "run".
      const status = requeued ? await setRunStatus(teamId, setId, "start") : undefined;
      return { requeued, status };
    }
  }
});
