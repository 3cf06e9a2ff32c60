"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { api } from "./api";

export function CreateTeamForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const name = String(new FormData(e.currentTarget).get("name") ?? "");
    try {
      const { team } = await api<{ team: { id: string } }>("/api/teams", { body: { name } });
      router.push(`/t/${team.id}`);
      router.refresh();
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(e) => void onSubmit(e)} className="card max-w-md space-y-3">
      <h1 className="text-xl font-semibold">Create a team</h1>
      <div>
        <label className="label" htmlFor="team-name">Team name</label>
        <input className="input" id="team-name" name="name" required maxLength={80} />
      </div>
      {error && <p role="alert" className="text-sm text-red-700">{error}</p>}
      <button className="btn" disabled={busy}>Create team</button>
    </form>
  );
}
