// GET /api/teams/:teamId/invitations - pending invitations (admin+)
// POST /api/teams/:teamId/invitations - create an invitation link (admin+)
import { z } from "zod";
import { publicOrigin, readJson, route } from "@/lib/http";
import { ROLES, createInvitation, listPendingInvitations } from "@/lib/teams";

export const GET = route({ role: "ADMIN" }, async (_req, { params: { teamId } }) => {
  return { invitations: await listPendingInvitations(teamId) };
});

const body = z.object({
  role: z.enum(ROLES).default("MEMBER"),
  expiresInDays: z.number().int().min(1).max(30).default(7),
});

export const POST = route({ role: "ADMIN" }, async (req, { params: { teamId }, user, role: actorRole }) => {
  const { role, expiresInDays } = await readJson(req, body);
  const inv = await createInvitation({ teamId, actor: { id: user.id, role: actorRole }, role, expiresInDays });
  const url = new URL(`/invite/${inv.token}`, publicOrigin(req)).toString();
  return Response.json({ id: inv.id, url, role, expiresAt: inv.expiresAt }, { status: 201 });
});
