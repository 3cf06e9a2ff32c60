import Link from "next/link";
import { redirect } from "next/navigation";
import { currentUser } from "@/lib/auth";
import { pageReady } from "@/lib/pages";
import { landingTeamId } from "@/lib/teams";

export const dynamic = "force-dynamic";

export default async function Home() {
  await pageReady();
  const user = await currentUser();
  if (user) {
    const teamId = await landingTeamId(user.id, user.currentTeamId);
    redirect(teamId ? `/t/${teamId}` : "/teams/new");
  }
  return (
    <section className="mx-auto max-w-2xl py-16 text-center">
      <h1 className="text-4xl font-bold tracking-tight">From a pile of photos to an Instagram plan.</h1>
      <p className="mt-4 text-lg text-neutral-600">
        Upload a whole folder. A Llama vision model describes, scores and captions every photo, picks the best,
        groups near-duplicates, suggests crops for 4:5, 1:1 and 1.91:1, and builds albums you can share and export.
      </p>
      <div className="mt-8 flex justify-center gap-3">
        <Link href="/signup" className="btn">
          Create an account
        </Link>
        <Link href="/signin" className="btn-secondary">
          Sign in
        </Link>
      </div>
    </section>
  );
}
