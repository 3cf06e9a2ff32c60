// Results of a set: a filtered, searchable, sorted, paged grid (the query runs
// in SQL) with selection, bulk actions and the culling viewer.
import { CATEGORIES } from "@/lib/llama/types";
import { atLeast, pageTeamAccess } from "@/lib/teams";
import { ResultsGrid } from "../../../_results/results-grid";

export const dynamic = "force-dynamic";

export default async function ResultsPage({
  params,
}: {
  params: Promise<{ teamId: string; setId: string }>;
}) {
  const { teamId, setId } = await params;
  const { role } = await pageTeamAccess(teamId, "VIEWER", `/t/${teamId}/sets/${setId}/results`);
  return <ResultsGrid teamId={teamId} setId={setId} allCategories={[...CATEGORIES]} canEdit={atLeast(role, "MEMBER")} />;
}
