"use client";
import { useRouter } from "next/navigation";
import { api } from "../../../_components/api";

export function RevokeInviteButton({ teamId, invitationId }: { teamId: string; invitationId: string }) {
  const router = useRouter();
  return (
    <button
      type="button"
      className="btn-danger"
      onClick={() =>
        void api(`/api/teams/${teamId}/invitations/${invitationId}`, { method: "DELETE" }).then(() => router.refresh())
      }
    >
      Revoke
    </button>
  );
}
