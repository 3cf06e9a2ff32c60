"use client";
// Share the album by link: optional password and expiry, downloads on or off
// (with the original file names only when asked; otherwise 001.jpg, 002.jpg, ...).
// The link is shown once, right after it is made (only its hash is stored).
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "@/app/_components/api";
import { CopyButton } from "../../photos/[photoId]/copy-button";

interface Link {
  id: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  viewCount: number;
  allowDownload: boolean;
  includeNames: boolean;
  hasPassword: boolean;
  createdBy: string;
}

export function SharePanel({ teamId, albumId, canEdit, links }: { teamId: string; albumId: string; canEdit: boolean; links: Link[] }) {
  const router = useRouter();
  const [password, setPassword] = useState("");
  const [days, setDays] = useState("");
  const [allowDownload, setAllowDownload] = useState(false);
  const [includeNames, setIncludeNames] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const base = `/api/teams/${teamId}/albums/${albumId}/shares`;

  async function create(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const r = await api<{ path: string }>(base, {
        body: { allowDownload, includeNames: allowDownload && includeNames, ...(password ? { password } : {}), ...(days ? { expiresInDays: Number(days) } : {}) },
      });
      // The page's own origin: what the person sees in the address bar, whatever proxies sit in front.
      setCreated(new URL(r.path, window.location.origin).toString());
      setPassword("");
      router.refresh();
    } catch (err) {
      setError((err as Error).message);
    }
  }

  async function revoke(id: string) {
    await api(`${base}/${id}`, { method: "DELETE" });
    router.refresh();
  }

  return (
    <section className="card space-y-3" aria-label="Share">
      <h2 className="text-lg font-semibold">Share</h2>
      {canEdit && (
        <form onSubmit={create} className="flex flex-wrap items-end gap-3 text-sm" data-testid="share-form">
          <label>
            <span className="label">Password (optional)</span>
            <input className="input" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} name="share-password" />
          </label>
          <label>
            <span className="label">Expires after (days)</span>
            <input className="input w-28" type="number" min={1} max={3650} value={days} onChange={(e) => setDays(e.target.value)} name="share-days" placeholder="never" />
          </label>
          <label className="flex items-center gap-2 pb-1.5">
            <input type="checkbox" checked={allowDownload} onChange={(e) => setAllowDownload(e.target.checked)} name="share-download" />
            Allow download
          </label>
          <label className="flex items-center gap-2 pb-1.5" title="Otherwise the download names the photos 001.jpg, 002.jpg, ...">
            <input
              type="checkbox"
              checked={allowDownload && includeNames}
              disabled={!allowDownload}
              onChange={(e) => setIncludeNames(e.target.checked)}
              name="share-include-names"
            />
            Include file names in the download
          </label>
          <button className="btn">Create link</button>
        </form>
      )}
      {error && <p className="text-sm text-red-700" role="alert">{error}</p>}
      {created && (
        <p className="flex flex-wrap items-center gap-2 rounded-md bg-green-50 p-2 text-sm">
          <span>New link (shown only now):</span>
          <code className="break-all" data-testid="share-url">{created}</code>
          <CopyButton text={created} label="Copy link" />
        </p>
      )}
      {links.length > 0 && (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm [&_td]:pr-3 [&_th]:pr-3" data-testid="share-links">
            <thead className="text-neutral-500">
              <tr>
                <th className="py-1">Created</th>
                <th>Expires</th>
                <th>Password</th>
                <th>Downloads</th>
                <th>Views</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {links.map((l) => (
                <tr key={l.id} className={l.revokedAt ? "text-neutral-400" : ""}>
                  <td className="py-1">{l.createdAt.slice(0, 16).replace("T", " ")} by {l.createdBy}</td>
                  <td>{l.expiresAt ? l.expiresAt.slice(0, 10) : "never"}</td>
                  <td>{l.hasPassword ? "yes" : "no"}</td>
                  <td>{l.allowDownload ? (l.includeNames ? "allowed, with file names" : "allowed") : "off"}</td>
                  <td>{l.viewCount}</td>
                  <td className="text-right">
                    {l.revokedAt ? "revoked" : canEdit && <button className="btn-danger" onClick={() => void revoke(l.id)}>Revoke</button>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
