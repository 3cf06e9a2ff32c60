// GET /api/teams/:teamId/sets/:setId - the set with counts by photo state (viewer+)
import { route } from "@/lib/http";
import { getSetOr404, setProgress } from "@/lib/sets";
import { requireTeamRole } from "@/lib/teams";

export const GET = route<{ teamId: string; setId: string }>(async (_req, { teamId, setId }) => {
  const { team } = await requireTeamRole(teamId, "VIEWER");
  const set = await getSetOr404(team.id, setId);
  return { set, progress: await setProgress(team.id, set.id) };
});
