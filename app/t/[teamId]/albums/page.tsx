// Every album of the team, across sets.
import Link from "next/link";
import { listAlbums } from "@/lib/organize";
import { pageTeamAccess } from "@/lib/teams";
import { count } from "@/lib/count";

export const dynamic = "force-dynamic";

export default async function TeamAlbumsPage({ params }: { params: Promise<{ teamId: string }> }) {
  const { teamId } = await params;
  await pageTeamAccess(teamId, "VIEWER", `/t/${teamId}/albums`);
  const albums = await listAlbums(teamId);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Albums</h1>
      {albums.length === 0 ? (
        <p className="card text-neutral-600">No albums yet: they appear as photo sets are analysed.</p>
      ) : (
        <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
          {albums.map((a) => (
            <li key={a.id} className="overflow-hidden rounded-md border border-neutral-200 bg-white">
              <Link href={`/t/${teamId}/albums/${a.id}`} className="block">
                {a.coverPhotoId ? (
                  <img src={`/api/teams/${teamId}/photos/${a.coverPhotoId}/thumb`} alt="" className="aspect-[3/4] w-full object-cover" />
                ) : (
                  <div className="aspect-[3/4] w-full bg-neutral-100" />
                )}
                <div className="p-2 text-sm">
                  <div className="font-medium">{a.name}</div>
                  <div className="text-xs text-neutral-500">{count(a.photoCount, "photo")}</div>
                </div>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
