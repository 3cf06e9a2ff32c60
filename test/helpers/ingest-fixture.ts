// A user, a team (with membership) and a photo set straight in the database,
// for integration tests of the ingest area.
import { randomBytes } from "node:crypto";
import { db } from "@/lib/db";

export async function teamWithSet(role: "OWNER" | "MEMBER" | "VIEWER" = "OWNER") {
  const tag = randomBytes(4).toString("hex");
  const user = await db().user.create({ data: { email: `ingest-${tag}@example.test`, name: `Ingest ${tag}`, passwordHash: "x" } });
  const team = await db().team.create({ data: { name: `Team ${tag}`, memberships: { create: { userId: user.id, role } } } });
  const set = await db().photoSet.create({ data: { teamId: team.id, name: `Set ${tag}`, createdById: user.id } });
  return { user: { id: user.id, email: user.email, name: user.name, currentTeamId: null }, team, set };
}
