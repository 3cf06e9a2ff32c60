"use client";
// The profile-grid preview: 3 columns of 3:4 tiles, each centred where the
// photo's 4:5 crop is, the last row's empty places drawn as cells; a
// carousel's slides all cut to the cover's shape (what Instagram shows and the
// export holds). Reorder by dragging (HTML5 drag and drop, mouse) or with the
// move buttons (touch, keyboard, screen readers: always shown where there is
// no hover); every change is saved at once.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api, ApiError } from "@/app/_components/api";
import type { CropBox } from "@/lib/llama/types";
import { cropImageStyle, RATIO_VALUE, type ExportRatio } from "@/lib/organize/crops";

export interface Tile {
  id: string;
  name: string;
  caption: string | null;
  aiAnalysed: boolean;
  /** CSS object-position that centres the 3:4 tile on the 4:5 crop. */
  position: string;
  /** A carousel slide's exact crop at the carousel's ratio (null: centred). */
  slide: CropBox | null;
}

/** What a person reads about a carousel's one shape. */
export const RATIO_WORDS: Record<ExportRatio, string> = {
  "4:5": "4:5 portrait",
  "3:4": "3:4 portrait",
  "1:1": "1:1 square",
  "1.91:1": "1.91:1 landscape",
};

export function moveItem<T>(list: T[], from: number, to: number): T[] {
  const next = [...list];
  const [item] = next.splice(from, 1);
  if (item === undefined) return list;
  next.splice(Math.max(0, Math.min(to, next.length)), 0, item);
  return next;
}

export function GridEditor({
  teamId,
  albumId,
  kind,
  tiles: initial,
  canEdit,
  empty,
  slideRatio,
}: {
  teamId: string;
  albumId: string;
  kind: string;
  tiles: Tile[];
  canEdit: boolean;
  /** A carousel's one shape (its cover's, lib/organize/crops.ts carouselRatio); null for other albums. */
  slideRatio: ExportRatio | null;
  /** What an album without photos says (how to fill it). */
  empty?: React.ReactNode;
}) {
  const router = useRouter();
  const [tiles, setTiles] = useState(initial);
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const [status, setStatus] = useState<string>("");

  async function save(next: Tile[], announce: string) {
    const before = tiles;
    setTiles(next);
    setStatus("Saving…");
    try {
      await api(`/api/teams/${teamId}/albums/${albumId}`, { method: "PATCH", body: { order: next.map((t) => t.id) } });
      setStatus(`Saved. ${announce}`);
    } catch (e) {
      setTiles(before);
      setStatus((e as Error).message);
      if (e instanceof ApiError && e.status === 409) router.refresh();
    }
  }

  async function suggest() {
    setStatus("Ordering…");
    try {
      const a = await api<{ photos: { id: string }[] }>(`/api/teams/${teamId}/albums/${albumId}`, { method: "PATCH", body: { suggestOrder: true } });
      const byId = new Map(tiles.map((t) => [t.id, t]));
      setTiles(a.photos.flatMap((p) => byId.get(p.id) ?? []));
      setStatus("Saved: best photo first as the cover, then in the order they were taken.");
    } catch (e) {
      setStatus((e as Error).message);
    }
  }

  async function remove(id: string) {
    await api(`/api/teams/${teamId}/albums/${albumId}/photos?photoId=${encodeURIComponent(id)}`, { method: "DELETE" });
    setTiles(tiles.filter((t) => t.id !== id));
  }

  const handMade = kind === "CUSTOM" || kind === "CAROUSEL";
  // A carousel is one post whose slides are swiped left to right, not a block of the profile grid.
  const carousel = kind === "CAROUSEL";
  if (tiles.length === 0) {
    return (
      <div className="card space-y-1 text-neutral-600" data-testid="album-empty">
        <p>This album has no photos yet.</p>
        {empty}
      </div>
    );
  }
  // A carousel's slides are cut to the cover's shape (the server decides from the first photo's size).
  const ratio = slideRatio ?? "4:5";
  const wide = RATIO_VALUE[ratio] > 1;
  // The profile grid's last row, completed with empty cells as Instagram draws them.
  const emptyCells = carousel ? 0 : (3 - (tiles.length % 3)) % 3;
  return (
    <section className="space-y-2">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-lg font-semibold">{carousel ? "Carousel preview" : "Grid preview"}</h2>
        {canEdit && carousel && (
          <button className="btn-secondary" onClick={() => void suggest()}>Suggested order</button>
        )}
      </div>
      {carousel && (
        <p className="text-sm text-neutral-600" data-testid="carousel-ratio-note">
          Instagram shows every slide in the first slide&apos;s shape, so all {tiles.length} slides are cut to <strong>{RATIO_WORDS[ratio]}</strong>, the
          cover&apos;s shape, here and in the download. To use another shape, move a photo of that shape to the front.
        </p>
      )}
      {canEdit && (
        <p className="text-sm text-neutral-500">
          {carousel
            ? "Slide 1 is the cover the feed shows; people swipe to the rest in this order. Drag a slide, or use its arrows, to reorder."
            : "Drag a tile, or use its arrows, to reorder. The first tile is the newest post (top left)."}
        </p>
      )}
      <p className="text-sm text-neutral-600" role="status" aria-live="polite" data-testid="grid-status">{status}</p>
      <ol
        className={carousel ? "flex snap-x gap-2 overflow-x-auto pb-2" : "mx-auto grid max-w-xl grid-cols-3 gap-0.5 bg-white"}
        data-testid={carousel ? "carousel-preview" : "grid-preview"}
      >
        {tiles.map((t, i) => (
          <li
            key={t.id}
            data-photo-id={t.id}
            draggable={canEdit}
            onDragStart={(e) => {
              setDragFrom(i);
              e.dataTransfer.effectAllowed = "move";
              e.dataTransfer.setData("text/plain", t.id);
            }}
            onDragOver={(e) => {
              if (dragFrom !== null) e.preventDefault();
            }}
            onDrop={(e) => {
              e.preventDefault();
              if (dragFrom !== null && dragFrom !== i) void save(moveItem(tiles, dragFrom, i), `${tiles[dragFrom]?.name} moved to position ${i + 1}.`);
              setDragFrom(null);
            }}
            onDragEnd={() => setDragFrom(null)}
            className={`group relative overflow-hidden bg-neutral-100 ${carousel ? `shrink-0 snap-start rounded ${wide ? "w-72 sm:w-80" : "w-44 sm:w-52"}` : "aspect-[3/4]"} ${dragFrom === i ? "opacity-40" : ""}`}
            style={carousel ? { aspectRatio: RATIO_VALUE[ratio] } : undefined}
          >
            <Link href={`/t/${teamId}/photos/${t.id}`} draggable={false}>
              <img
                src={`/api/teams/${teamId}/photos/${t.id}/thumb`}
                alt={t.caption ?? t.name}
                draggable={false}
                loading="lazy"
                className="h-full w-full object-cover"
                style={carousel && t.slide ? cropImageStyle(t.slide) : { objectPosition: t.position }}
              />
            </Link>
            {carousel && (
              <span className="absolute left-1 top-1 rounded bg-black/70 px-1 text-xs text-white" data-testid="slide-label">
                {i === 0 ? `1/${tiles.length} · cover` : `${i + 1}/${tiles.length}`}
              </span>
            )}
            {canEdit && (
              // Hidden until hovered only where there is hover (a mouse): on touch the arrows are how to reorder.
              <div
                className="absolute inset-x-0 bottom-0 flex items-center justify-between bg-black/50 p-0.5 transition-opacity focus-within:opacity-100 group-hover:opacity-100 [@media(hover:hover)_and_(pointer:fine)]:opacity-0"
                data-testid="tile-controls"
              >
                <button
                  type="button"
                  className="min-h-8 min-w-8 rounded px-1.5 text-white hover:bg-white/20 disabled:opacity-30"
                  aria-label={`Move ${t.name} earlier`}
                  disabled={i === 0}
                  onClick={() => void save(moveItem(tiles, i, i - 1), `${t.name} is now at position ${i}.`)}
                >
                  ←
                </button>
                {handMade && (
                  <button type="button" className="min-h-8 rounded px-1.5 text-xs text-white hover:bg-white/20" aria-label={`Remove ${t.name} from the album`} onClick={() => void remove(t.id)}>
                    remove
                  </button>
                )}
                <button
                  type="button"
                  className="min-h-8 min-w-8 rounded px-1.5 text-white hover:bg-white/20 disabled:opacity-30"
                  aria-label={`Move ${t.name} later`}
                  disabled={i === tiles.length - 1}
                  onClick={() => void save(moveItem(tiles, i, i + 1), `${t.name} is now at position ${i + 2}.`)}
                >
                  →
                </button>
              </div>
            )}
          </li>
        ))}
        {Array.from({ length: emptyCells }, (_, i) => (
          <li key={`empty-${i}`} className="aspect-[3/4] border border-dashed border-neutral-300 bg-neutral-50" aria-hidden="true" data-testid="grid-empty-cell" />
        ))}
      </ol>
    </section>
  );
}
