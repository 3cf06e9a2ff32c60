// The set's header: its name and the tabs Photos | Dashboard | Results | Albums.
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { findSet } from "@/lib/sets";
import { pageTeamAccess } from "@/lib/teams";
import { SetTabs } from "./set-tabs";

export const dynamic = "force-dynamic";

export default async function SetLayout({ children, params }: { children: ReactNode; params: Promise<{ teamId: string; setId: string }> }) {
  const { teamId, setId } = await params;
  const { team } = await pageTeamAccess(teamId, "VIEWER", `/t/${teamId}/sets/${setId}`);
  const set = await findSet(team.id, setId);
  if (!set) notFound();
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-2xl font-semibold" data-testid="set-name">{set.name}</h1>
        <SetTabs base={`/t/${team.id}/sets/${set.id}`} />
      </div>
      {children}
    </div>
  );
}
