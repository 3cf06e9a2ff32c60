"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "../../../_components/api";

type Role = "OWNER" | "ADMIN" | "MEMBER" | "VIEWER";
const ROLES: Role[] = ["OWNER", "ADMIN", "MEMBER", "VIEWER"];

export function MemberRow(props: {
  teamId: string;
  member: { id: string; name: string; email: string; role: Role };
  actorRole: Role;
  isSelf: boolean;
}) {
  const { teamId, member, actorRole, isSelf } = props;
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const canEdit = actorRole === "OWNER" || (actorRole === "ADMIN" && member.role !== "OWNER");
  const assignable = ROLES.filter((r) => actorRole === "OWNER" || r !== "OWNER");

  async function call(fn: () => Promise<unknown>) {
    setError(null);
    try {
      await fn();
      router.refresh();
    } catch (err) {
      setError((err as Error).message);
    }
  }

  return (
    <tr className="border-t border-neutral-100" data-testid={`member-${member.email}`}>
      <td className="py-2">{member.name}</td>
      <td>{member.email}</td>
      <td>
        {canEdit ? (
          <select
            aria-label={`Role of ${member.email}`}
            className="rounded border border-neutral-300 px-1 py-0.5"
            value={member.role}
            onChange={(e) =>
              void call(() => api(`/api/teams/${teamId}/members/${member.id}`, { method: "PATCH", body: { role: e.target.value } }))
            }
          >
            {assignable.map((r) => (
              <option key={r} value={r}>
                {r.toLowerCase()}
              </option>
            ))}
          </select>
        ) : (
          member.role.toLowerCase()
        )}
        {error && <p role="alert" className="text-xs text-red-700">{error}</p>}
      </td>
      <td className="text-right">
        {(canEdit || isSelf) && (
          <button
            type="button"
            className="btn-danger"
            onClick={() => void call(() => api(`/api/teams/${teamId}/members/${member.id}`, { method: "DELETE" }))}
          >
            {isSelf ? "Leave" : "Remove"}
          </button>
        )}
      </td>
    </tr>
  );
}
