// One album: the Instagram profile-grid preview (3 columns of 3:4 tiles) with
// reordering, carousel slides, sharing and export.
import Link from "next/link";
import { notFound } from "next/navigation";
import { AppError } from "@/lib/errors";
import { getAlbum, gridObjectPosition, CAROUSEL_MAX } from "@/lib/organize";
import { listShareLinks } from "@/lib/share";
import { atLeast, pageTeamAccess } from "@/lib/teams";
import { ExportLinks } from "./export-links";
import { GridEditor } from "./grid-editor";
import { SharePanel } from "./share-panel";
import { count } from "@/lib/count";

export const dynamic = "force-dynamic";

export default async function AlbumPage({ params }: { params: Promise<{ teamId: string; albumId: string }> }) {
  const { teamId, albumId } = await params;
  const { role } = await pageTeamAccess(teamId, "VIEWER", `/t/${teamId}/albums/${albumId}`);
  const canEdit = atLeast(role, "MEMBER");
  const album = await getAlbum(teamId, albumId).catch((err: unknown) => {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  });
  const links = await listShareLinks(teamId, albumId);
  const tiles = album.photos.map((p) => ({
    id: p.id,
    name: p.originalName,
    caption: p.caption,
    aiAnalysed: p.aiAnalysed,
    position: p.width && p.height ? gridObjectPosition(p.grid34, p.width, p.height) : "50% 50%",
    slide: p.slide,
  }));
  const computed = album.kind === "CATEGORY" || album.kind === "BEST";
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          {album.setId && (
            <Link href={`/t/${teamId}/sets/${album.setId}/albums`} className="text-sm text-neutral-500 hover:underline">
              ← Albums of the set
            </Link>
          )}
          <h1 className="text-2xl font-semibold" data-testid="album-name">{album.name}</h1>
          <p className="text-sm text-neutral-500">
            {count(album.photos.length, "photo")}
            {album.kind === "CAROUSEL" && ` · carousel, ${album.photos.length} of ${CAROUSEL_MAX} slides; the first is the cover`}
            {computed && " · kept current from the results"}
            {album.orderedByHand && " · your order"}
          </p>
        </div>
        <ExportLinks href={`/api/teams/${teamId}/albums/${albumId}/export`} fixedRatio={album.slideRatio} />
      </div>
      <GridEditor
        teamId={teamId}
        albumId={albumId}
        kind={album.kind}
        tiles={tiles}
        canEdit={canEdit}
        slideRatio={album.slideRatio}
        empty={
          canEdit && !computed && (
            <p className="text-sm">
              To fill it, select photos in{" "}
              {album.setId ? (
                <Link href={`/t/${teamId}/sets/${album.setId}/results`} className="text-brand-600 underline">the set&apos;s Results</Link>
              ) : (
                <Link href={`/t/${teamId}/search`} className="text-brand-600 underline">Search</Link>
              )}{" "}
              (click, Shift-click, or Select all), then choose “{album.name}” under “Add to album…” in the bar that appears.
            </p>
          )
        }
      />
      <SharePanel
        teamId={teamId}
        albumId={albumId}
        canEdit={canEdit}
        links={links.map((l) => ({
          ...l,
          createdAt: l.createdAt.toISOString(),
          expiresAt: l.expiresAt?.toISOString() ?? null,
          revokedAt: l.revokedAt?.toISOString() ?? null,
        }))}
      />
    </div>
  );
}
