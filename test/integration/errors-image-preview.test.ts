// A photo the image pipeline could not read has no preview: asking for one
// renders it from the original, which fails with the pipeline's own reason.
// That reason must come back as a 4xx through the one error mapper, not as an
// unhandled 500 with a stack in the server log.
import { NextRequest } from "next/server";
import { afterEach, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth";
import { db } from "@/lib/db";
import { ingestFile, processPendingPhotos } from "@/lib/images/pipeline";
import { sceneJpeg } from "@/test/helpers/images";
import { teamWithSet } from "@/test/helpers/ingest-fixture";

const session = vi.hoisted(() => ({ user: null as SessionUser | null }));
vi.mock("@/lib/auth", async (orig) => ({
  ...(await orig<typeof import("@/lib/auth")>()),
  currentSession: async () => (session.user ? { userId: session.user.id, version: 0 } : null),
}));

afterEach(() => vi.restoreAllMocks());

it("a failed photo's preview is a 422 with the reason it failed, and nothing is logged as unhandled", async () => {
  const { user, team, set } = await teamWithSet("VIEWER");
  session.user = user;
  const whole = await sceneJpeg(1201, 1600, 1200);
  const truncated = whole.subarray(0, Math.floor(whole.length * 0.4));
  const { photoId } = await ingestFile({ teamId: team.id, setId: set.id, originalName: "cut-off.jpg", buffer: truncated });
  await processPendingPhotos({ setId: set.id });
  const photo = await db().photo.findUniqueOrThrow({ where: { id: photoId } });
  expect(photo.state).toBe("FAILED");
  expect(photo.stateReason).toBeTruthy();

  const logged = vi.spyOn(console, "error");
  const { GET } = await import("@/app/api/teams/[teamId]/photos/[photoId]/preview/route");
  const res = await GET(new NextRequest(`http://localhost/api/teams/${team.id}/photos/${photoId}/preview`), {
    params: Promise.resolve({ teamId: team.id, photoId }),
  });
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect({ status: res.status, code: body.error.code }).toEqual({ status: 422, code: "unprocessable" });
  expect(body.error.message).toBe(photo.stateReason);
  expect(logged).not.toHaveBeenCalled();
});
