// Results of a set: a filtered, searchable, sorted, paged grid (the query runs
// in SQL) with selection, bulk actions and the culling viewer.
import { CATEGORIES } from "@/lib/llama/types";
import { atLeast, pageTeamAccess } from "@/lib/teams";
import { filtersFrom } from "../../../_results/filters";
import { ResultsGrid } from "../../../_results/results-grid";

export const dynamic = "force-dynamic";

export default async function ResultsPage({
  params,
  searchParams,
}: {
  params: Promise<{ teamId: string; setId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { teamId, setId } = await params;
  const { role } = await pageTeamAccess(teamId, "VIEWER", `/t/${teamId}/sets/${setId}/results`);
  return <ResultsGrid teamId={teamId} setId={setId} allCategories={[...CATEGORIES]} initial={filtersFrom(await searchParams)} canEdit={atLeast(role, "MEMBER")} />;
}
