// Who is calling: requireUser() for route handlers and pages (throws 401),
// currentUser() when signed-out is a normal answer.
import { getServerSession } from "next-auth";
import { db } from "@/lib/db";
import { unauthorized } from "@/lib/errors";
import { authOptions } from "./options";

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  currentTeamId: string | null;
}

export async function currentUser(): Promise<SessionUser | null> {
  const session = await getServerSession(authOptions());
  const id = (session?.user as { id?: string } | undefined)?.id;
  if (!id) return null;
  // The account may have been deleted since the token was issued.
  return db().user.findUnique({ where: { id }, select: { id: true, email: true, name: true, currentTeamId: true } });
}

export async function requireUser(): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) throw unauthorized();
  return user;
}
