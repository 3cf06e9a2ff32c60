// PUT /api/me/team - switch my current team
import { z } from "zod";
import { requireUser } from "@/lib/auth";
import { readJson, route } from "@/lib/http";
import { switchTeam } from "@/lib/teams";

export const PUT = route(async (req) => {
  const user = await requireUser();
  const { teamId } = await readJson(req, z.object({ teamId: z.string().min(1).max(64) }));
  await switchTeam(user.id, teamId);
  return { teamId };
});
