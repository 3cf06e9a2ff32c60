// Search every set of the team: words in descriptions, tags, captions,
// categories and file names, with the results grid's filters and actions.
import { CATEGORIES } from "@/lib/llama/types";
import { atLeast, pageTeamAccess } from "@/lib/teams";
import { ResultsGrid } from "../_results/results-grid";

export const dynamic = "force-dynamic";

export default async function SearchPage({
  params,
}: {
  params: Promise<{ teamId: string }>;
}) {
  const { teamId } = await params;
  const { role, team } = await pageTeamAccess(teamId, "VIEWER", `/t/${teamId}/search`);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Search {team.name}</h1>
      <ResultsGrid teamId={teamId} setId={null} allCategories={[...CATEGORIES]} canEdit={atLeast(role, "MEMBER")} />
    </div>
  );
}
