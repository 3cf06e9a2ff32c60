// A share link that does not work says why, with the 404 of any missing page:
// revoked by its owner, expired (and when), or no such link. Next gives a
// not-found page no params, so the token comes from the path the proxy
// recorded (lib/server/page-path.ts).
import type { Metadata } from "next";
import { headers } from "next/headers";
import { shareLinkState, type ShareLinkState } from "@/lib/share";
import { PAGE_PATH_HEADER } from "@/lib/server/page-path";

export const metadata: Metadata = { robots: { index: false, follow: false }, referrer: "no-referrer", title: "Share link not working" };

/** "5 December 2026 at 14:03 UTC": a visitor anywhere reads the same words. */
function when(at: Date): string {
  const date = at.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  const time = at.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "UTC" });
  return `${date} at ${time} UTC`;
}

function words(found: ShareLinkState): { title: string; text: string } {
  switch (found.state) {
    case "revoked":
      return {
        title: "This share link was revoked",
        text: `Its owner stopped sharing this album on ${when(found.at)}. If you still need the photos, ask them for a new link.`,
      };
    case "expired":
      return {
        title: "This share link has expired",
        text: `This link expired on ${when(found.at)}. If you still need the photos, ask the person who shared it for a new link.`,
      };
    case "unknown":
    case "live": // the album itself was not found: to a visitor, the same as no link
      return {
        title: "Share link not found",
        text: "No shared album is at this address. Check that the link is complete (it is long and easy to cut short when copied), or ask the person who sent it.",
      };
  }
}

export default async function ShareNotFound() {
  const path = (await headers()).get(PAGE_PATH_HEADER) ?? "";
  const token = /^\/s\/([^/]+)\/?$/.exec(path)?.[1];
  let found: ShareLinkState = { state: "unknown" };
  try {
    if (token) found = await shareLinkState(decodeURIComponent(token));
  } catch (err) {
    if (!(err instanceof URIError)) throw err;
  }
  const { title, text } = words(found);
  return (
    <section className="mx-auto max-w-xl space-y-3 py-16 text-center" data-testid="share-not-found" data-state={found.state === "live" ? "unknown" : found.state}>
      <h1 className="text-2xl font-semibold">{title}</h1>
      <p className="text-neutral-600">{text}</p>
    </section>
  );
}
