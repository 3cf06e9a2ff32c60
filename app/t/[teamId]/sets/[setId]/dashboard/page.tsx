// The set's dashboard: live progress of the analysis and its controls.
import { atLeast, pageTeamAccess } from "@/lib/teams";
import { Dashboard } from "./dashboard";

export const dynamic = "force-dynamic";

export default async function DashboardPage({ params }: { params: Promise<{ teamId: string; setId: string }> }) {
  const { teamId, setId } = await params;
  const { role } = await pageTeamAccess(teamId, "VIEWER", `/t/${teamId}/sets/${setId}/dashboard`);
  return <Dashboard teamId={teamId} setId={setId} canEdit={atLeast(role, "MEMBER")} />;
}
