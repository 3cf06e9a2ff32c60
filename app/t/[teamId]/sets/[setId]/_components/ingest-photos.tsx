"use client";
// The set's photos as they become ready: counts by state, a paginated grid of
// thumbnails (100 per page, so thousands of photos stay fast), the photos that
// failed with their reasons, and the near-duplicate groups. Polls the cheap
// listing endpoints every 2 s while the page is visible.
import { useCallback, useEffect, useState } from "react";
import type { Jsonified } from "@/lib/json";
import type { DuplicateGroupSummary as Group, SetPhotoItem, SetProgress as Progress } from "@/lib/sets";

const PAGE = 100;

type Photo = Jsonified<SetPhotoItem>;

const STATE_LABEL: Record<string, string> = {
  UPLOADED: "waiting",
  PROCESSING: "processing",
  QUEUED: "ready",
  ANALYZING: "analysing",
  ANALYZED: "analysed",
  SKIPPED: "skipped",
  FAILED: "failed",
};

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { cache: "no-store" });
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return (await res.json()) as T;
}

export function IngestPhotos({ teamId, setId }: { teamId: string; setId: string }) {
  const api = `/api/teams/${teamId}/sets/${setId}`;
  const thumb = (id: string) => `/api/teams/${teamId}/photos/${id}/thumb`;
  const [progress, setProgress] = useState<Progress | null>(null);
  // Keyset pages: cursors[i] is where page i starts.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState(0);
  const [photos, setPhotos] = useState<Photo[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [failed, setFailed] = useState<Photo[]>([]);
  const [groups, setGroups] = useState<Group[]>([]);
  const [names, setNames] = useState<Record<string, string>>({});

  const refresh = useCallback(async () => {
    const cursor = cursors[page];
    const [p, list, bad, dups] = await Promise.all([
      getJson<{ progress: Progress }>(api),
      getJson<{ photos: Photo[]; nextCursor: string | null }>(`${api}/photos?limit=${PAGE}${cursor ? `&cursor=${cursor}` : ""}`),
      getJson<{ photos: Photo[] }>(`${api}/photos?state=FAILED&limit=200`),
      getJson<{ groups: Group[] }>(`${api}/duplicates`),
    ]);
    setProgress(p.progress);
    setPhotos(list.photos);
    setNextCursor(list.nextCursor);
    setFailed(bad.photos);
    setGroups(dups.groups);
    setNames((old) => {
      const next = { ...old };
      for (const ph of list.photos) next[ph.id] = ph.originalName;
      return next;
    });
  }, [api, cursors, page]);

  useEffect(() => {
    let stop = false;
    const tick = async () => {
      if (!stop && document.visibilityState === "visible") await refresh().catch(() => undefined);
      if (!stop) timer = setTimeout(() => void tick(), 2000);
    };
    let timer = setTimeout(() => void tick(), 0);
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [refresh]);

  const pending = progress ? (progress.byState.UPLOADED ?? 0) + (progress.byState.PROCESSING ?? 0) : 0;
  const pages = progress ? Math.max(1, Math.ceil(progress.total / PAGE)) : 1;

  return (
    <div className="space-y-4">
      <section className="card" aria-label="Photos in this set">
        <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
          <h2 className="font-semibold">
            Photos <span className="font-normal text-neutral-500" data-testid="photo-total">{progress?.total ?? 0}</span>
          </h2>
          {progress && (
            <p className="text-xs text-neutral-500" data-testid="state-counts">
              {Object.entries(progress.byState).filter(([, n]) => n > 0).map(([s, n]) => `${n} ${STATE_LABEL[s] ?? s}`).join(" · ") || "no photos yet"}
              {pending > 0 && " · making thumbnails…"}
            </p>
          )}
        </div>
        {photos.length === 0 ? (
          <p className="text-sm text-neutral-500">Nothing here yet: drop a folder above.</p>
        ) : (
          <ul className="grid grid-cols-3 gap-2 sm:grid-cols-5 lg:grid-cols-8" data-testid="photo-grid">
            {photos.map((p) => (
              <li key={p.id} className="group relative aspect-square overflow-hidden rounded bg-neutral-100" data-testid="photo-tile" data-state={p.state} title={p.originalName}>
                {p.hasThumb ? (
                  <img src={thumb(p.id)} alt={p.originalName} loading="lazy" className="h-full w-full object-cover" data-testid="photo-thumb" />
                ) : (
                  <div className={`flex h-full items-center justify-center p-1 text-center text-xs ${p.state === "FAILED" ? "text-red-700" : "text-neutral-500"}`}>
                    {STATE_LABEL[p.state] ?? p.state}
                  </div>
                )}
                {p.duplicateGroupId && <span className="absolute left-1 top-1 rounded bg-amber-500 px-1 text-[10px] text-white">dup</span>}
              </li>
            ))}
          </ul>
        )}
        {pages > 1 && (
          <nav className="mt-3 flex items-center gap-2 text-sm" aria-label="Pages">
            <button className="btn-secondary" disabled={page === 0} onClick={() => setPage((p) => p - 1)}>Previous</button>
            <span>Page {page + 1} of {pages}</span>
            <button
              className="btn-secondary"
              disabled={!nextCursor}
              onClick={() => {
                setCursors((c) => [...c.slice(0, page + 1), nextCursor]);
                setPage((p) => p + 1);
              }}
            >
              Next
            </button>
          </nav>
        )}
      </section>

      {failed.length > 0 && (
        <section className="card border-red-200" aria-label="Photos that could not be used" data-testid="failed-photos">
          <h2 className="mb-2 font-semibold text-red-800">Could not be used ({failed.length})</h2>
          <ul className="space-y-1 text-sm">
            {failed.map((p) => (
              <li key={p.id} data-testid="failed-photo"><span className="font-medium">{p.originalName}</span>: {p.stateReason}</li>
            ))}
          </ul>
        </section>
      )}

      {groups.length > 0 && (
        <section className="card" aria-label="Near-duplicates" data-testid="duplicate-groups">
          <h2 className="mb-2 font-semibold">Near-duplicates ({groups.length})</h2>
          <ul className="space-y-3">
            {groups.map((g) => (
              <li key={g.id} className="flex flex-wrap gap-2" data-testid="dup-group">
                {g.photoIds.map((id) => (
                  <figure key={id} className={`w-24 overflow-hidden rounded border-2 ${id === g.keeperPhotoId ? "border-emerald-500" : "border-transparent"}`}>
                    <img src={thumb(id)} alt={names[id] ?? "photo"} loading="lazy" className="aspect-square w-full object-cover" />
                    <figcaption className="px-1 text-[10px]">
                      <div className="truncate" title={names[id]}>{names[id] ?? ""}</div>
                      {id === g.keeperPhotoId && <div className="text-emerald-700">{g.keeperChosen ? "kept" : "suggested keeper"}</div>}
                    </figcaption>
                  </figure>
                ))}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
