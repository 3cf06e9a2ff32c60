// The membership gate for server-rendered pages: signed-out visitors go to
// sign-in, anyone else without access gets the ordinary 404 page. A team page
// runs it in the team layout, the set layout and the page itself: React's
// cache() makes that one session check and one access query per request.
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import type { Role } from "@/lib/db";
import { ensureMigrated } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { requireTeamRole, type TeamAccess } from "./access";
import { atLeast } from "./roles";

/** The signed-in user's access to the team, read once per request (the error, too, is kept and thrown to each caller). */
const accessOnce = cache(async (teamId: string): Promise<TeamAccess> => {
  await ensureMigrated();
  return requireTeamRole(teamId, "VIEWER");
});

export async function pageTeamAccess(teamId: string, min: Role = "VIEWER", backTo?: string): Promise<TeamAccess> {
  let access: TeamAccess;
  try {
    access = await accessOnce(teamId);
  } catch (err) {
    if (err instanceof AppError && err.code === "unauthorized") {
      redirect(`/signin?callbackUrl=${encodeURIComponent(backTo ?? `/t/${teamId}`)}`);
    }
    if (err instanceof AppError && (err.code === "not_found" || err.code === "forbidden")) notFound();
    throw err;
  }
  // A role below the page's: the same 404 page another team's visitor gets.
  if (!atLeast(access.role, min)) notFound();
  return access;
}
