"use client";
// A member's review of one photo: edit caption, hashtags and category (kept
// apart from the model's answer; "Use the model's" clears an edit), re-analyse,
// and add to a custom album or carousel.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "@/app/_components/api";

export function EditForm({
  teamId,
  photoId,
  categories,
  initial,
  edited,
}: {
  teamId: string;
  photoId: string;
  categories: string[];
  initial: { caption: string; hashtags: string; category: string };
  edited: { caption: boolean; hashtags: boolean; category: boolean };
}) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [v, setV] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const url = `/api/teams/${teamId}/photos/${photoId}`;

  async function send(body: object) {
    setBusy(true);
    setError(null);
    try {
      await api(url, { method: "PATCH", body });
      setOpen(false);
      router.refresh();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  if (!open) {
    return (
      <div className="flex gap-2">
        <button className="btn-secondary" onClick={() => setOpen(true)} data-testid="edit-photo">Edit</button>
        {(edited.caption || edited.hashtags || edited.category) && (
          <button className="btn-secondary" disabled={busy} onClick={() => void send({ caption: null, hashtags: null, category: null })}>
            Use the model&apos;s answer
          </button>
        )}
      </div>
    );
  }
  return (
    <form
      className="space-y-2"
      onSubmit={(e) => {
        e.preventDefault();
        // Only what the person changed becomes an edit; the rest stays the model's answer.
        const body: Record<string, string | null> = {};
        if (v.caption !== initial.caption) body.caption = v.caption;
        if (v.hashtags !== initial.hashtags) body.hashtags = v.hashtags;
        if (v.category !== initial.category) body.category = v.category || null;
        if (Object.keys(body).length === 0) setOpen(false);
        else void send(body);
      }}
    >
      <label className="block">
        <span className="label">Caption</span>
        <textarea className="input" rows={4} maxLength={2200} value={v.caption} onChange={(e) => setV({ ...v, caption: e.target.value })} name="caption" />
      </label>
      <label className="block">
        <span className="label">Hashtags (space or comma separated, at most 30)</span>
        <input className="input" value={v.hashtags} onChange={(e) => setV({ ...v, hashtags: e.target.value })} name="hashtags" />
      </label>
      <label className="block">
        <span className="label">Category</span>
        <select className="input" value={v.category} onChange={(e) => setV({ ...v, category: e.target.value })} name="category">
          <option value="">(the model&apos;s)</option>
          {categories.map((c) => (
            <option key={c} value={c}>{c}</option>
          ))}
        </select>
      </label>
      {error && <p className="text-red-700" role="alert">{error}</p>}
      <div className="flex gap-2">
        <button className="btn" disabled={busy}>Save</button>
        <button type="button" className="btn-secondary" onClick={() => setOpen(false)}>Cancel</button>
      </div>
    </form>
  );
}

export function ReanalyseButton({ teamId, photoId }: { teamId: string; photoId: string }) {
  const router = useRouter();
  const [msg, setMsg] = useState<string | null>(null);
  return (
    <span className="flex items-center gap-2 text-sm">
      <button
        className="btn-secondary"
        onClick={async () => {
          try {
            await api(`/api/teams/${teamId}/photos/${photoId}`, { body: { action: "reanalyse" } });
            setMsg("Queued for analysis; your edits are kept.");
            router.refresh();
          } catch (e) {
            setMsg((e as Error).message);
          }
        }}
      >
        Re-analyse
      </button>
      {msg && <span role="status">{msg}</span>}
    </span>
  );
}

export function AddToAlbum({ teamId, photoId, albums }: { teamId: string; photoId: string; albums: { id: string; name: string; kind: string }[] }) {
  const router = useRouter();
  const [albumId, setAlbumId] = useState(albums[0]?.id ?? "");
  const [msg, setMsg] = useState<string | null>(null);
  return (
    <span className="flex items-center gap-2 text-sm">
      <select className="input w-auto" value={albumId} onChange={(e) => setAlbumId(e.target.value)} aria-label="Album">
        {albums.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name} ({a.kind.toLowerCase()})
          </option>
        ))}
      </select>
      <button
        className="btn-secondary"
        onClick={async () => {
          try {
            await api(`/api/teams/${teamId}/albums/${albumId}/photos`, { body: { photoIds: [photoId] } });
            setMsg("Added.");
            router.refresh();
          } catch (e) {
            setMsg((e as Error).message);
          }
        }}
      >
        Add to album
      </button>
      {msg && <span role="status">{msg}</span>}
    </span>
  );
}
