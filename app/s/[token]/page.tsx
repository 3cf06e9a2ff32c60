// The public page of a share link: the album's grid, photos and captions,
// without an account and without anything else of the team. Unknown, expired
// and revoked links answer 404 with a page that says which (not-found.tsx); a
// password link asks first.
import type { Metadata } from "next";
import { cookies } from "next/headers";
import { notFound } from "next/navigation";
import { pageReady } from "@/lib/pages";
import { cropImageStyle, gridObjectPosition, RATIO_VALUE } from "@/lib/organize/crops";
import { recordShareView, shareCookieName, sharedAlbumView, shareLinkState, shareUnlocked } from "@/lib/share";
import { PasswordForm } from "./password-form";
import { count } from "@/lib/count";

export const dynamic = "force-dynamic";
// The token is in the URL: keep it out of search engines and Referer headers.
export const metadata: Metadata = { robots: { index: false, follow: false }, referrer: "no-referrer", title: "Shared album" };

export default async function SharedAlbumPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  await pageReady();
  const found = await shareLinkState(token);
  if (found.state !== "live") notFound();
  const share = found.share;
  const jar = await cookies();
  if (!shareUnlocked(share, jar.get(shareCookieName(share.id))?.value)) {
    return <PasswordForm token={token} />;
  }
  const [album] = await Promise.all([sharedAlbumView(share), recordShareView(share.id)]);
  const img = (id: string, kind: "thumb" | "preview") => `/api/share/${token}/photos/${id}/${kind}`;
  // A carousel's slides all in its cover's shape, as Instagram shows them; a grid's last row completed with empty cells.
  const ratio = album.slideRatio ?? "4:5";
  const emptyCells = album.carousel ? 0 : (3 - (album.photos.length % 3)) % 3;
  return (
    <div className="space-y-6" data-testid="shared-album">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <p className="text-sm text-neutral-500">Shared album</p>
          <h1 className="text-2xl font-semibold" data-testid="shared-album-name">{album.name}</h1>
          <p className="text-sm text-neutral-500">{count(album.photos.length, "photo")}</p>
        </div>
        {album.allowDownload && (
          <a className="btn whitespace-nowrap" href={`/api/share/${token}/export?ratio=${encodeURIComponent(ratio)}`} download data-testid="shared-download">
            Download (Instagram {ratio})
          </a>
        )}
      </div>
      <ol
        className={album.carousel ? "flex snap-x gap-2 overflow-x-auto pb-2" : "mx-auto grid max-w-xl grid-cols-3 gap-0.5"}
        data-testid={album.carousel ? "shared-carousel" : "shared-grid"}
      >
        {album.photos.map((p, i) => (
          <li
            key={p.id}
            className={album.carousel ? `relative shrink-0 snap-start overflow-hidden rounded bg-neutral-100 ${RATIO_VALUE[ratio] > 1 ? "w-72 sm:w-80" : "w-44 sm:w-52"}` : "aspect-[3/4] overflow-hidden bg-neutral-100"}
            style={album.carousel ? { aspectRatio: RATIO_VALUE[ratio] } : undefined}
          >
            {album.carousel && (
              <span className="absolute left-1 top-1 rounded bg-black/70 px-1 text-xs text-white" data-testid="shared-slide-label">
                {i + 1}/{album.photos.length}
              </span>
            )}
            <a href={`#photo-${p.id}`}>
              <img
                src={img(p.id, "thumb")}
                alt={p.altText ?? p.caption ?? ""}
                loading="lazy"
                className="h-full w-full object-cover"
                style={
                  album.carousel && p.slide
                    ? cropImageStyle(p.slide)
                    : { objectPosition: p.width && p.height ? gridObjectPosition(p.crop45, p.width, p.height) : "50% 50%" }
                }
              />
            </a>
          </li>
        ))}
        {Array.from({ length: emptyCells }, (_, i) => (
          <li key={`empty-${i}`} className="aspect-[3/4] border border-dashed border-neutral-300 bg-neutral-50" aria-hidden="true" />
        ))}
      </ol>
      <ul className="mx-auto max-w-2xl space-y-8">
        {album.photos.map((p) => (
          <li key={p.id} id={`photo-${p.id}`} className="space-y-2">
            <img src={img(p.id, "preview")} alt={p.altText ?? p.caption ?? ""} loading="lazy" className="w-full rounded-md bg-neutral-100" />
            {p.caption && <p className="whitespace-pre-wrap" data-testid="shared-caption">{p.caption}</p>}
            {p.hashtags.length > 0 && <p className="text-sm text-sky-800">{p.hashtags.join(" ")}</p>}
          </li>
        ))}
      </ul>
    </div>
  );
}
