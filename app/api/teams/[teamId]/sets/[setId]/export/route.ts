// GET /api/teams/:teamId/sets/:setId/export?ratio=4:5 - the whole set as a streamed ZIP, a folder per album (viewer+)
import { route } from "@/lib/http";
import { zipResponse } from "@/lib/export";
import { requireTeamRole } from "@/lib/teams";

export const GET = route<{ teamId: string; setId: string }>(async (req, { teamId, setId }) => {
  await requireTeamRole(teamId, "VIEWER");
  return zipResponse(req, teamId, { setId });
});
