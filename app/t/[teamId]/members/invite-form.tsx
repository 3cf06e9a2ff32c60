"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { api } from "../../../_components/api";

export function InviteForm({ teamId, canInviteOwner }: { teamId: string; canInviteOwner: boolean }) {
  const router = useRouter();
  const [link, setLink] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setError(null);
    const form = new FormData(e.currentTarget);
    try {
      const res = await api<{ url: string }>(`/api/teams/${teamId}/invitations`, {
        body: { role: form.get("role"), expiresInDays: Number(form.get("days")) },
      });
      setLink(res.url);
      router.refresh();
    } catch (err) {
      setError((err as Error).message);
    }
  }
  return (
    <form onSubmit={(e) => void onSubmit(e)} className="card flex flex-wrap items-end gap-3">
      <div>
        <label className="label" htmlFor="invite-role">Role</label>
        <select id="invite-role" name="role" className="input" defaultValue="MEMBER">
          {canInviteOwner && <option value="OWNER">owner</option>}
          <option value="ADMIN">admin</option>
          <option value="MEMBER">member</option>
          <option value="VIEWER">viewer</option>
        </select>
      </div>
      <div>
        <label className="label" htmlFor="invite-days">Expires after (days)</label>
        <input id="invite-days" name="days" type="number" min={1} max={30} defaultValue={7} className="input w-24" />
      </div>
      <button className="btn">Create invitation link</button>
      {error && <p role="alert" className="w-full text-sm text-red-700">{error}</p>}
      {link && (
        <div className="w-full">
          <label className="label" htmlFor="invite-link">Send this link (shown once)</label>
          <div className="flex gap-2">
            <input id="invite-link" readOnly value={link} className="input font-mono text-xs" data-testid="invite-link" />
            <button type="button" className="btn-secondary" onClick={() => void navigator.clipboard.writeText(link)}>
              Copy
            </button>
          </div>
        </div>
      )}
    </form>
  );
}
