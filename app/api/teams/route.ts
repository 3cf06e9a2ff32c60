// GET /api/teams - my teams; POST /api/teams - create a team (I become its owner)
import { z } from "zod";
import { requireUser } from "@/lib/auth";
import { readJson, route } from "@/lib/http";
import { createTeam, listTeams, teamNameSchema } from "@/lib/teams";

export const GET = route(async () => {
  const user = await requireUser();
  return { teams: await listTeams(user.id) };
});

export const POST = route(async (req) => {
  const user = await requireUser();
  const { name } = await readJson(req, z.object({ name: teamNameSchema }));
  return Response.json({ team: await createTeam(user.id, name) }, { status: 201 });
});
