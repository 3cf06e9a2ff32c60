"use client";
// What can be done with the photos selected in the results grid: add them to
// an album (or a new one), pick / reject, keep over their duplicates,
// re-analyse, download as a ZIP, or remove them from their set. Viewers only
// download. Messages say what happened, including what was left alone.
import { useEffect, useRef, useState } from "react";
import { api } from "@/app/_components/api";
import { count } from "@/lib/count";

interface AlbumOption {
  id: string;
  name: string;
  kind: string;
  setId: string | null;
}

/** The album routes take at most this many photos per request. */
const ALBUM_CHUNK = 1000;
/** Instagram's carousel limit (lib/organize/carousel.ts). */
const CAROUSEL_MAX = 20;

export function BulkBar({
  teamId,
  setId,
  selected,
  canEdit,
  onDone,
  onClear,
}: {
  teamId: string;
  setId: string | null;
  selected: string[];
  canEdit: boolean;
  /** After a change: reload the grid (keepSelection false when the photos are gone). */
  onDone: (keepSelection: boolean) => void;
  onClear: () => void;
}) {
  const [albums, setAlbums] = useState<AlbumOption[] | null>(null);
  const [target, setTarget] = useState("");
  const [newName, setNewName] = useState("");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const download = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (!canEdit) return;
    api<{ albums: AlbumOption[] }>(`/api/teams/${teamId}/albums`)
      .then((r) => setAlbums(r.albums.filter((a) => a.kind === "CUSTOM" || a.kind === "CAROUSEL")))
      .catch(() => setAlbums([]));
  }, [teamId, canEdit]);

  const run = async (what: () => Promise<string>, keepSelection = true) => {
    setBusy(true);
    setMessage(null);
    try {
      setMessage({ text: await what(), error: false });
      onDone(keepSelection);
    } catch (e) {
      setMessage({ text: (e as Error).message, error: true });
    } finally {
      setBusy(false);
    }
  };

  const bulk = (body: Record<string, unknown>) => api<{ message: string }>(`/api/teams/${teamId}/photos`, { body: { ...body, photoIds: selected } }).then((r) => r.message);

  const addToAlbum = () =>
    run(async () => {
      let albumId = target;
      let name = albums?.find((a) => a.id === target)?.name ?? "";
      let rest = selected;
      if (target === "carousel") {
        name = newName.trim() || "Carousel";
        // More than a carousel holds: the best ones, cover first (the suggested order).
        const suggest = selected.length > CAROUSEL_MAX;
        const made = await api<{ id: string }>(`/api/teams/${teamId}/albums`, {
          body: { name, kind: "CAROUSEL", setId: setId ?? undefined, photoIds: selected, suggestOrder: suggest },
        });
        setAlbums((a) => [...(a ?? []), { id: made.id, name, kind: "CAROUSEL", setId }]);
        setTarget(made.id);
        setNewName("");
        const slides = Math.min(selected.length, CAROUSEL_MAX);
        return `Made the carousel “${name}” of ${count(slides, "slide")}${suggest ? ` (the best ${slides} of ${selected.length}, cover first)` : ""}.`;
      }
      if (target === "new") {
        name = newName.trim();
        if (!name) throw new Error("Name the new album first.");
        const first = rest.slice(0, ALBUM_CHUNK);
        rest = rest.slice(ALBUM_CHUNK);
        albumId = (await api<{ id: string }>(`/api/teams/${teamId}/albums`, { body: { name, kind: "CUSTOM", setId: setId ?? undefined, photoIds: first } })).id;
        setAlbums((a) => [...(a ?? []), { id: albumId, name, kind: "CUSTOM", setId }]);
        setTarget(albumId);
        setNewName("");
      } else if (!albumId) {
        throw new Error("Choose an album to add to.");
      }
      for (let i = 0; i < rest.length; i += ALBUM_CHUNK) {
        await api(`/api/teams/${teamId}/albums/${albumId}/photos`, { body: { photoIds: rest.slice(i, i + ALBUM_CHUNK) } });
      }
      return `Added ${count(selected.length, "photo")} to “${name}”.`;
    });

  return (
    <div className="sticky bottom-2 z-10 flex flex-wrap items-center gap-2 rounded-lg border border-neutral-300 bg-white p-3 text-sm shadow-lg" data-testid="bulk-bar" role="region" aria-label="Selected photos">
      <strong className="whitespace-nowrap" data-testid="selected-count">{count(selected.length, "photo")} selected</strong>
      {canEdit && (
        <>
          <span className="flex items-center gap-1">
            <select className="input w-auto max-w-[14rem]" aria-label="Album to add to" value={target} onChange={(e) => setTarget(e.target.value)} data-testid="bulk-album">
              <option value="">Add to album…</option>
              {(albums ?? []).map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                  {a.kind === "CAROUSEL" ? " (carousel)" : ""}
                </option>
              ))}
              <option value="new">New album…</option>
              <option value="carousel">New carousel (up to {CAROUSEL_MAX})…</option>
            </select>
            {(target === "new" || target === "carousel") && (
              <input className="input w-40" aria-label="New album name" placeholder="Album name" value={newName} onChange={(e) => setNewName(e.target.value)} />
            )}
            <button className="btn whitespace-nowrap" disabled={busy || !target} onClick={() => void addToAlbum()}>Add</button>
          </span>
          <button className="btn-secondary whitespace-nowrap" disabled={busy} onClick={() => void run(() => bulk({ action: "flag", flag: "PICK" }))}>Pick</button>
          <button className="btn-secondary whitespace-nowrap" disabled={busy} onClick={() => void run(() => bulk({ action: "flag", flag: "REJECT" }))}>Reject</button>
          <button className="btn-secondary whitespace-nowrap" disabled={busy} onClick={() => void run(() => bulk({ action: "keeper" }))}>Mark keeper</button>
          <button className="btn-secondary whitespace-nowrap" disabled={busy} onClick={() => void run(() => bulk({ action: "reanalyse" }))}>Re-analyse</button>
        </>
      )}
      <form ref={download} method="post" action={`/api/teams/${teamId}/photos/export`} className="contents">
        <input type="hidden" name="photoIds" value={selected.join(",")} />
        <button className="btn-secondary whitespace-nowrap" type="submit" data-testid="bulk-download">Download ZIP</button>
      </form>
      {canEdit && (
        <button
          className="btn-danger whitespace-nowrap"
          disabled={busy}
          onClick={() => {
            if (window.confirm(`Remove ${count(selected.length, "photo")} from ${selected.length === 1 ? "its set" : "their sets"}? Their analysis, ratings and album places go too.`)) {
              void run(() => bulk({ action: "remove" }), false);
            }
          }}
        >
          Remove
        </button>
      )}
      <button className="whitespace-nowrap text-neutral-600 underline" onClick={onClear}>Clear selection</button>
      {message && (
        <p className={`w-full ${message.error ? "text-red-700" : "text-neutral-700"}`} role={message.error ? "alert" : "status"} data-testid="bulk-message">
          {message.text}
        </p>
      )}
    </div>
  );
}
