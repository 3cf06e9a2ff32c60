import { atLeast, listMembers, listPendingInvitations, pageTeamAccess } from "@/lib/teams";
import { InviteForm } from "./invite-form";
import { MemberRow } from "./member-row";
import { RevokeInviteButton } from "./revoke-invite-button";

export const dynamic = "force-dynamic";

export default async function MembersPage({ params }: { params: Promise<{ teamId: string }> }) {
  const { teamId } = await params;
  const { team, role, user } = await pageTeamAccess(teamId, "VIEWER", `/t/${teamId}/members`);
  const canManage = atLeast(role, "ADMIN");
  const [members, invitations] = await Promise.all([
    listMembers(team.id),
    canManage ? listPendingInvitations(team.id) : Promise.resolve([]),
  ]);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Members of {team.name}</h1>
      <div className="card overflow-x-auto">
        <table className="w-full text-left text-sm [&_td]:pr-4 [&_th]:pr-4" data-testid="members">
          <thead className="text-neutral-500">
            <tr>
              <th className="py-2">Name</th>
              <th>Email</th>
              <th>Role</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <MemberRow
                key={m.user.id}
                teamId={team.id}
                member={{ id: m.user.id, name: m.user.name, email: m.user.email, role: m.role }}
                actorRole={role}
                isSelf={m.user.id === user.id}
              />
            ))}
          </tbody>
        </table>
      </div>
      {canManage && (
        <section className="space-y-3">
          <h2 className="text-lg font-semibold">Invite someone</h2>
          <InviteForm teamId={team.id} canInviteOwner={role === "OWNER"} />
          {invitations.length > 0 && (
            <div className="card">
              <h3 className="mb-2 font-medium">Pending invitations</h3>
              <ul className="space-y-1 text-sm">
                {invitations.map((i) => (
                  <li key={i.id} className="flex items-center justify-between">
                    <span>
                      {i.role.toLowerCase()} · by {i.createdBy.name} · expires {i.expiresAt.toISOString().slice(0, 10)}
                    </span>
                    <RevokeInviteButton teamId={team.id} invitationId={i.id} />
                  </li>
                ))}
              </ul>
            </div>
          )}
        </section>
      )}
    </div>
  );
}
