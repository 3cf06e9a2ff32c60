// Results of a set: a filtered, sorted, paged grid (the query runs in SQL).
import { CATEGORIES } from "@/lib/llama/types";
import { pageTeamAccess } from "@/lib/teams";
import { ResultsGrid } from "./results-grid";

export const dynamic = "force-dynamic";

export default async function ResultsPage({ params }: { params: Promise<{ teamId: string; setId: string }> }) {
  const { teamId, setId } = await params;
  await pageTeamAccess(teamId, "VIEWER", `/t/${teamId}/sets/${setId}/results`);
  return <ResultsGrid teamId={teamId} setId={setId} allCategories={[...CATEGORIES]} />;
}
