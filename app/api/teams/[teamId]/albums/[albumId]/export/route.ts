// GET /api/teams/:teamId/albums/:albumId/export?ratio=4:5 - the album as a streamed ZIP (viewer+)
import { route } from "@/lib/http";
import { zipResponse } from "@/lib/export";
import { requireTeamRole } from "@/lib/teams";

export const GET = route<{ teamId: string; albumId: string }>(async (req, { teamId, albumId }) => {
  await requireTeamRole(teamId, "VIEWER");
  return zipResponse(req, teamId, { albumId });
});
