// The membership gate for server-rendered pages: signed-out visitors go to
// sign-in, anyone else without access gets the ordinary 404 page.
import { notFound, redirect } from "next/navigation";
import type { Role } from "@/lib/db";
import { ensureMigrated } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { requireTeamRole, type TeamAccess } from "./access";

export async function pageTeamAccess(teamId: string, min: Role = "VIEWER", backTo?: string): Promise<TeamAccess> {
  await ensureMigrated();
  try {
    return await requireTeamRole(teamId, min);
  } catch (err) {
    if (err instanceof AppError && err.code === "unauthorized") {
      redirect(`/signin?callbackUrl=${encodeURIComponent(backTo ?? `/t/${teamId}`)}`);
    }
    if (err instanceof AppError && (err.code === "not_found" || err.code === "forbidden")) notFound();
    throw err;
  }
}
