// GET /api/teams/:teamId/sets/:setId/albums - the set's albums as last brought up to date (viewer+)
import { route } from "@/lib/http";
import { listAlbums } from "@/lib/organize";
import { requireTeamRole } from "@/lib/teams";

export const GET = route<{ teamId: string; setId: string }>(async (_req, { teamId, setId }) => {
  await requireTeamRole(teamId, "VIEWER");
  return { albums: await listAlbums(teamId, setId) };
});
