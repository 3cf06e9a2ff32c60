"use client";
import { useRouter } from "next/navigation";
import { api } from "../../_components/api";

export function TeamSwitcher({ current, teams }: { current: string; teams: { id: string; name: string }[] }) {
  const router = useRouter();
  async function change(teamId: string) {
    await api("/api/me/team", { method: "PUT", body: { teamId } });
    router.push(`/t/${teamId}`);
    router.refresh();
  }
  return (
    <select
      aria-label="Team"
      className="rounded-md border border-neutral-300 bg-white px-2 py-1 text-base font-semibold"
      value={current}
      onChange={(e) => void change(e.target.value)}
    >
      {teams.map((t) => (
        <option key={t.id} value={t.id}>
          {t.name}
        </option>
      ))}
    </select>
  );
}
