// GET /api/teams/:teamId/sets - the team's photo sets (viewer+)
// POST /api/teams/:teamId/sets - create a photo set (member+)
import { readJson, route } from "@/lib/http";
import { createSet, listSets, setNameSchema } from "@/lib/sets";

export const GET = route({ role: "VIEWER" }, async (_req, { team }) => {
  return { sets: await listSets(team.id) };
});

export const POST = route({ role: "MEMBER" }, async (req, { team, user }) => {
  const { name } = await readJson(req, setNameSchema);
  return { set: await createSet(team.id, user.id, name) };
});
