"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { api } from "../../_components/api";

export function CreateSetForm({ teamId }: { teamId: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const name = String(new FormData(e.currentTarget).get("name") ?? "");
    try {
      const { set } = await api<{ set: { id: string } }>(`/api/teams/${teamId}/sets`, { body: { name } });
      router.push(`/t/${teamId}/sets/${set.id}`);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  }
  return (
    <form onSubmit={(e) => void onSubmit(e)} className="flex items-start gap-2">
      <div>
        <input className="input" name="name" aria-label="New set name" placeholder="New set name" required maxLength={120} />
        {error && <p role="alert" className="mt-1 text-sm text-red-700">{error}</p>}
      </div>
      <button className="btn" disabled={busy}>Create set</button>
    </form>
  );
}
