import Link from "next/link";
import { listSets } from "@/lib/sets";
import { atLeast, pageTeamAccess } from "@/lib/teams";
import { CreateSetForm } from "./create-set-form";
import { count } from "@/lib/count";

export const dynamic = "force-dynamic";

export default async function TeamHome({ params }: { params: Promise<{ teamId: string }> }) {
  const { teamId } = await params;
  const { team, role } = await pageTeamAccess(teamId);
  const sets = await listSets(team.id);
  return (
    <div className="space-y-6">
      <div className="flex items-end justify-between gap-4">
        <h1 className="text-2xl font-semibold">Photo sets</h1>
        {atLeast(role, "MEMBER") && <CreateSetForm teamId={team.id} />}
      </div>
      {sets.length === 0 ? (
        <p className="card text-neutral-600">No photo sets yet. Create one and drop a folder of photos into it.</p>
      ) : (
        <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3" data-testid="set-list">
          {sets.map((s) => (
            <li key={s.id} className="card">
              <Link href={`/t/${team.id}/sets/${s.id}`} className="font-medium hover:underline">
                {s.name}
              </Link>
              <p className="mt-1 text-sm text-neutral-500">
                {count(s.photos, "photo")} · created {s.createdAt.toISOString().slice(0, 10)}
              </p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
