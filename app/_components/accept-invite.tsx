"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "./api";

export function AcceptInvite({ token }: { token: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function accept() {
    setBusy(true);
    try {
      const { teamId } = await api<{ teamId: string }>("/api/invitations/accept", { body: { token } });
      router.push(`/t/${teamId}`);
      router.refresh();
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  }
  return (
    <div className="space-y-2">
      <button type="button" className="btn" disabled={busy} onClick={() => void accept()}>
        Accept invitation
      </button>
      {error && <p role="alert" className="text-sm text-red-700">{error}</p>}
    </div>
  );
}
