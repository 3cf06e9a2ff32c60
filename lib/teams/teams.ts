// Teams a user belongs to, creating one, and which one is current.
import { z } from "zod";
import { db, type Role } from "@/lib/db";
import { notFound } from "@/lib/errors";

export const teamNameSchema = z.string().trim().min(1, "Enter a team name.").max(80);

export interface TeamSummary {
  id: string;
  name: string;
  personal: boolean;
  role: Role;
}

export async function listTeams(userId: string): Promise<TeamSummary[]> {
  const rows = await db().membership.findMany({
    where: { userId },
    select: { role: true, team: { select: { id: true, name: true, personal: true } } },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((r) => ({ ...r.team, role: r.role }));
}

export async function createTeam(userId: string, name: string): Promise<TeamSummary> {
  const team = await db().team.create({
    data: { name, memberships: { create: { userId, role: "OWNER" } } },
  });
  await db().user.update({ where: { id: userId }, data: { currentTeamId: team.id } });
  return { id: team.id, name: team.name, personal: team.personal, role: "OWNER" };
}

export async function switchTeam(userId: string, teamId: string): Promise<void> {
  const m = await db().membership.findUnique({ where: { teamId_userId: { teamId, userId } } });
  if (!m) throw notFound("Team not found");
  await db().user.update({ where: { id: userId }, data: { currentTeamId: teamId } });
}

/** The team to land on: the current one if still a member, else the first. */
export async function landingTeamId(userId: string, currentTeamId: string | null): Promise<string | null> {
  const teams = await listTeams(userId);
  return teams.find((t) => t.id === currentTeamId)?.id ?? teams[0]?.id ?? null;
}
