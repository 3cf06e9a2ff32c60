// Page plumbing, as lib/http.ts is for route handlers: app/ never imports
// lib/db. Team pages get this from pageTeamAccess (lib/teams/page-access.ts);
// the public pages (home, invitation, shared album) call it before their first read.
import { ensureMigrated } from "@/lib/db";

/** Resolves once the database is migrated (once per process). */
export async function pageReady(): Promise<void> {
  await ensureMigrated();
}
