// POST /api/invitations/accept - join a team with an invitation token (signed in)
import { z } from "zod";
import { requireUser } from "@/lib/auth";
import { readJson, route } from "@/lib/http";
import { acceptInvitation } from "@/lib/teams";

export const POST = route(async (req) => {
  const user = await requireUser();
  const { token } = await readJson(req, z.object({ token: z.string().min(16).max(128) }));
  return acceptInvitation(token, user.id);
});
