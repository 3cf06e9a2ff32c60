"use client";
// "Keep this one" for a duplicate group, and the carousel / custom album builder.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "@/app/_components/api";

export function KeepButton({ teamId, setId, groupId, photoId }: { teamId: string; setId: string; groupId: string; photoId: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  return (
    <button
      className="btn-secondary mt-1 w-full"
      disabled={busy}
      onClick={async () => {
        setBusy(true);
        try {
          await api(`/api/teams/${teamId}/sets/${setId}/duplicates`, { body: { groupId, photoId } });
          router.refresh();
        } finally {
          setBusy(false);
        }
      }}
    >
      Keep this one
    </button>
  );
}

export function NewAlbumForm({ teamId, setId, bestAlbumId }: { teamId: string; setId: string; bestAlbumId: string | null }) {
  const router = useRouter();
  const [name, setName] = useState("");
  const [kind, setKind] = useState<"CUSTOM" | "CAROUSEL">("CAROUSEL");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function create(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      // A carousel starts from Best picks in the suggested order; a custom album starts empty.
      let photoIds: string[] = [];
      if (kind === "CAROUSEL" && bestAlbumId) {
        const best = await api<{ photos: { id: string }[] }>(`/api/teams/${teamId}/albums/${bestAlbumId}`);
        photoIds = best.photos.map((p) => p.id);
      }
      const album = await api<{ id: string }>(`/api/teams/${teamId}/albums`, {
        body: { name: name || (kind === "CAROUSEL" ? "Carousel" : "New album"), kind, setId, photoIds, suggestOrder: kind === "CAROUSEL" },
      });
      router.push(`/t/${teamId}/albums/${album.id}`);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  }

  return (
    <form onSubmit={create} className="card flex flex-wrap items-end gap-3 text-sm" aria-label="New album">
      <label>
        <span className="label">New</span>
        <select className="input" value={kind} onChange={(e) => setKind(e.target.value as "CUSTOM" | "CAROUSEL")}>
          <option value="CAROUSEL">Carousel (up to 20, from Best picks)</option>
          <option value="CUSTOM">Custom album</option>
        </select>
      </label>
      <label className="grow">
        <span className="label">Name</span>
        <input className="input" value={name} maxLength={80} onChange={(e) => setName(e.target.value)} placeholder="Summer carousel" />
      </label>
      <button className="btn" disabled={busy}>Create</button>
      {error && <p className="w-full text-red-700" role="alert">{error}</p>}
    </form>
  );
}
