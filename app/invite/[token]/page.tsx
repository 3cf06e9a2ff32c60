import Link from "next/link";
import { currentUser } from "@/lib/auth";
import { pageReady } from "@/lib/pages";
import { previewInvitation } from "@/lib/teams";
import { AcceptInvite } from "../../_components/accept-invite";

export const dynamic = "force-dynamic";

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  await pageReady();
  const [invite, user] = await Promise.all([previewInvitation(token), currentUser()]);
  if (!invite) {
    return (
      <div className="card mx-auto mt-10 max-w-md">
        <h1 className="text-xl font-semibold">This invitation cannot be used</h1>
        <p className="mt-2 text-neutral-600">It has expired, was revoked, or was already used. Ask for a new link.</p>
      </div>
    );
  }
  const back = encodeURIComponent(`/invite/${token}`);
  return (
    <div className="card mx-auto mt-10 max-w-md space-y-3">
      <h1 className="text-xl font-semibold">Join {invite.teamName}</h1>
      <p className="text-neutral-600">
        You are invited as <strong>{invite.role.toLowerCase()}</strong>. The link expires on{" "}
        {invite.expiresAt.toISOString().slice(0, 10)}.
      </p>
      {user ? (
        <AcceptInvite token={token} />
      ) : (
        <p className="text-sm">
          <Link className="btn" href={`/signup?callbackUrl=${back}`}>Sign up to join</Link>{" "}
          <Link className="btn-secondary" href={`/signin?callbackUrl=${back}`}>Sign in</Link>
        </p>
      )}
    </div>
  );
}
