// Every album of the team, grouped under the set each belongs to (custom
// albums and carousels made without a set come last).
import Link from "next/link";
import { count } from "@/lib/count";
import { listAlbums, type AlbumSummary } from "@/lib/organize";
import { listSets } from "@/lib/sets";
import { pageTeamAccess } from "@/lib/teams";

export const dynamic = "force-dynamic";

const KIND_LABEL: Record<string, string> = { BEST: "best picks", CAROUSEL: "carousel", CUSTOM: "your album", CATEGORY: "category" };

export default async function TeamAlbumsPage({ params }: { params: Promise<{ teamId: string }> }) {
  const { teamId } = await params;
  await pageTeamAccess(teamId, "VIEWER", `/t/${teamId}/albums`);
  const [albums, sets] = await Promise.all([listAlbums(teamId), listSets(teamId)]);
  const groups: { key: string; title: string; href: string | null; albums: AlbumSummary[] }[] = sets
    .map((s) => ({ key: s.id, title: s.name, href: `/t/${teamId}/sets/${s.id}/albums`, albums: albums.filter((a) => a.setId === s.id) }))
    .filter((g) => g.albums.length > 0);
  const loose = albums.filter((a) => !a.setId);
  if (loose.length) groups.push({ key: "none", title: "Not tied to a set", href: null, albums: loose });
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Albums</h1>
      {albums.length === 0 ? (
        <p className="card text-neutral-600">No albums yet: they appear as photo sets are analysed, or make your own from a set&apos;s Results.</p>
      ) : (
        groups.map((g) => (
          <section key={g.key} className="space-y-2" data-testid="album-group">
            <h2 className="text-lg font-medium">
              {g.href ? (
                <Link href={g.href} className="hover:underline" data-testid="album-group-set">{g.title}</Link>
              ) : (
                <span data-testid="album-group-set">{g.title}</span>
              )}
            </h2>
            <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
              {g.albums.map((a) => (
                <li key={a.id} className="overflow-hidden rounded-md border border-neutral-200 bg-white" data-testid="team-album">
                  <Link href={`/t/${teamId}/albums/${a.id}`} className="block">
                    {a.coverPhotoId ? (
                      <img src={`/api/teams/${teamId}/photos/${a.coverPhotoId}/thumb`} alt="" className="aspect-[3/4] w-full object-cover" />
                    ) : (
                      <div className="aspect-[3/4] w-full bg-neutral-100" />
                    )}
                    <div className="p-2 text-sm">
                      <div className="truncate font-medium" data-testid="team-album-name">{a.name}</div>
                      <div className="text-xs text-neutral-500">
                        {count(a.photoCount, "photo")} · {KIND_LABEL[a.kind] ?? a.kind.toLowerCase()}
                        {g.href ? ` · in ${g.title}` : ""}
                      </div>
                    </div>
                  </Link>
                </li>
              ))}
            </ul>
          </section>
        ))
      )}
    </div>
  );
}
