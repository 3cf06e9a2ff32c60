import Link from "next/link";
import type { ReactNode } from "react";
import { listTeams, pageTeamAccess } from "@/lib/teams";
import { TeamSwitcher } from "./team-switcher";

export const dynamic = "force-dynamic";

export default async function TeamLayout({ children, params }: { children: ReactNode; params: Promise<{ teamId: string }> }) {
  const { teamId } = await params;
  const { user, team, role } = await pageTeamAccess(teamId);
  const teams = await listTeams(user.id);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3 border-b border-neutral-200 pb-3">
        <div className="flex items-center gap-3">
          <TeamSwitcher current={team.id} teams={teams.map((t) => ({ id: t.id, name: t.name }))} />
          <span className="rounded bg-neutral-100 px-2 py-0.5 text-xs uppercase tracking-wide text-neutral-600" data-testid="my-role">
            {role.toLowerCase()}
          </span>
        </div>
        <nav className="flex flex-wrap gap-x-4 gap-y-1 text-sm" aria-label="Team">
          <Link href={`/t/${team.id}`} className="hover:underline">Photo sets</Link>
          <Link href={`/t/${team.id}/albums`} className="hover:underline">Albums</Link>
          <Link href={`/t/${team.id}/search`} className="hover:underline">Search</Link>
          <Link href={`/t/${team.id}/members`} className="hover:underline">Members</Link>
          <Link href="/teams/new" className="hover:underline">New team</Link>
        </nav>
      </div>
      {children}
    </div>
  );
}
