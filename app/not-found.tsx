// Every page that does not exist, or that the visitor may not see (another
// team's: the same words, so nothing leaks), instead of the framework's bare 404.
import Link from "next/link";

export default function NotFound() {
  return (
    <section className="mx-auto max-w-xl space-y-3 py-16 text-center" data-testid="not-found">
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <p className="text-neutral-600">
        There is nothing at this address. The link may be mistyped, the photo, set or album may have been removed, or it belongs
        to a team you are not a member of.
      </p>
      <p className="flex justify-center gap-4">
        <Link href="/" className="underline">Your photo sets</Link>
        <Link href="/signin" className="underline">Sign in</Link>
      </p>
    </section>
  );
}
