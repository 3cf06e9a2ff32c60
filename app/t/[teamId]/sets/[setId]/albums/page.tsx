// The set's albums (kept current when results change, not on a visit), its duplicate
// groups with their keeper, and the builders for carousels and custom albums.
import Link from "next/link";
import { listAlbums, listDuplicateGroups } from "@/lib/organize";
import { atLeast, pageTeamAccess } from "@/lib/teams";
import { ExportLinks } from "../../../albums/[albumId]/export-links";
import { KeepButton, NewAlbumForm } from "./album-actions";
import { count } from "@/lib/count";

export const dynamic = "force-dynamic";

const KIND_LABEL = { BEST: "best picks", CATEGORY: "category", CUSTOM: "custom", CAROUSEL: "carousel" } as const;

export default async function SetAlbumsPage({ params }: { params: Promise<{ teamId: string; setId: string }> }) {
  const { teamId, setId } = await params;
  const { role } = await pageTeamAccess(teamId, "VIEWER", `/t/${teamId}/sets/${setId}/albums`);
  const canEdit = atLeast(role, "MEMBER");
  const [albums, groups] = await Promise.all([listAlbums(teamId, setId), listDuplicateGroups(teamId, setId)]);
  const best = albums.find((a) => a.kind === "BEST");
  return (
    <div className="space-y-6">
      <section className="space-y-3">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h2 className="text-lg font-semibold">Albums</h2>
          <ExportLinks
            href={`/api/teams/${teamId}/sets/${setId}/export`}
            label="Download the set"
            note={albums.some((a) => a.kind === "CAROUSEL") ? "Carousels are cut to their cover's shape, whatever the ratio chosen here." : undefined}
          />
        </div>
        {albums.length === 0 ? (
          <p className="card text-neutral-600">Albums appear here as photos are analysed.</p>
        ) : (
          <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5" data-testid="album-list">
            {albums.map((a) => (
              <li key={a.id} className="overflow-hidden rounded-md border border-neutral-200 bg-white">
                <Link href={`/t/${teamId}/albums/${a.id}`} className="block" data-testid={`album-${a.kind.toLowerCase()}`}>
                  {a.coverPhotoId ? (
                    <img src={`/api/teams/${teamId}/photos/${a.coverPhotoId}/thumb`} alt="" className="aspect-[3/4] w-full bg-neutral-100 object-cover" />
                  ) : (
                    <div className="aspect-[3/4] w-full bg-neutral-100" />
                  )}
                  <div className="p-2 text-sm">
                    <div className="font-medium">{a.name}</div>
                    <div className="text-xs text-neutral-500">
                      {KIND_LABEL[a.kind]} · {count(a.photoCount, "photo")}{a.shareLinks ? ` · shared` : ""}
                    </div>
                  </div>
                </Link>
              </li>
            ))}
          </ul>
        )}
        {canEdit && <NewAlbumForm teamId={teamId} setId={setId} bestAlbumId={best?.id ?? null} />}
      </section>

      <section className="space-y-3">
        <h2 className="text-lg font-semibold">Near-duplicates</h2>
        {groups.length === 0 ? (
          <p className="text-sm text-neutral-600">No near-duplicate photos found in this set.</p>
        ) : (
          <ul className="space-y-3" data-testid="duplicate-groups">
            {groups.map((g) => (
              <li key={g.id} className="card">
                <p className="mb-2 text-sm text-neutral-600" data-testid="keeper-reason">
                  {g.photos.length} similar photos · {g.keeperChosen ? "keeper chosen by a person" : `suggested keeper${g.keeperReason ? ` (kept: ${g.keeperReason})` : ""}`}
                </p>
                <ul className="flex flex-wrap gap-3">
                  {g.photos.map((p) => {
                    const keeper = p.id === g.keeperPhotoId;
                    return (
                      <li key={p.id} data-testid="dup-photo" data-keeper={keeper ? "yes" : undefined} className={`w-36 rounded-md border p-1 text-xs ${keeper ? "border-brand-500 ring-2 ring-brand-500" : "border-neutral-200"}`}>
                        <Link href={`/t/${teamId}/photos/${p.id}`}>
                          <img src={`/api/teams/${teamId}/photos/${p.id}/thumb`} alt={p.originalName} className="aspect-square w-full object-cover" />
                        </Link>
                        <div className="mt-1 truncate">{p.originalName}</div>
                        <div className="text-neutral-500">
                          score {p.instagramScore?.toFixed(1) ?? p.qualityScore?.toFixed(1) ?? "—"} · sharp {p.sharpness?.toFixed(1) ?? "—"} · {p.width}×{p.height}
                        </div>
                        {keeper ? (
                          <div className="mt-1 font-medium text-brand-600">Keeper</div>
                        ) : (
                          canEdit && <KeepButton teamId={teamId} setId={setId} groupId={g.id} photoId={p.id} />
                        )}
                      </li>
                    );
                  })}
                </ul>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
