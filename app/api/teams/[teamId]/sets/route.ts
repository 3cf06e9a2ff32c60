// GET /api/teams/:teamId/sets - the team's photo sets (viewer+)
// POST /api/teams/:teamId/sets - create a photo set (member+)
import { readJson, route } from "@/lib/http";
import { createSet, listSets, setNameSchema } from "@/lib/sets";
import { requireTeamRole } from "@/lib/teams";

type P = { teamId: string };

export const GET = route<P>(async (_req, { teamId }) => {
  const { team } = await requireTeamRole(teamId, "VIEWER");
  return { sets: await listSets(team.id) };
});

export const POST = route<P>(async (req, { teamId }) => {
  const { team, user } = await requireTeamRole(teamId, "MEMBER");
  const { name } = await readJson(req, setNameSchema);
  return { set: await createSet(team.id, user.id, name) };
});
