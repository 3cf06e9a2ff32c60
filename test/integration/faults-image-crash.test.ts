// Fault: a photo that kills the image worker every time it is decoded (a native
// crash, an OOM kill). Each claim counts as an attempt, so after MAX_ATTEMPTS
// claims whose worker died the next claim marks it FAILED with a readable
// reason instead of handing it out after every lease expiry forever; a live
// worker keeps renewing its lease, a dead one loses it within IMAGE_LEASE_MS.
// The "decode" is made to never return by storing the photo's original as a
// FIFO nobody writes to: the real worker process blocks reading it, and the
// test SIGKILLs it there - each time in the middle of processing that photo.
import { execFile } from "node:child_process";
import { closeSync, constants, openSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { randomBytes, createHash } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { db, ensureMigrated } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { ingestFile, MAX_ATTEMPTS } from "@/lib/images/pipeline";
import { sceneJpeg } from "@/test/helpers/images";
import { teamWithSet } from "@/test/helpers/ingest-fixture";
import { until } from "@/test/helpers/faults-wait";
import { exited, startImageWorker, stopProcess, stopWorkers } from "@/test/helpers/faults-worker";

const LEASE_MS = 1500;
let fifo = "";

beforeAll(async () => {
  await ensureMigrated();
});
afterAll(async () => {
  await stopWorkers();
  if (fifo) {
    // Opening the FIFO read-write never blocks and releases anyone still waiting on it.
    closeSync(openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK));
    await rm(fifo, { force: true });
  }
});

it("a photo whose worker dies on it every time is FAILED after MAX_ATTEMPTS claims, with the reason", async () => {
  const { team, set } = await teamWithSet();
  const env = getEnv();
  const childEnv = { IMAGE_LEASE_MS: String(LEASE_MS) };

  // The poisoned photo: a row like any upload's, whose original is a FIFO.
  const hash = createHash("sha256").update(randomBytes(32)).digest("hex");
  fifo = path.join(env.storageDir, hash.slice(0, 2), hash.slice(2, 4), `${hash}.orig`);
  await mkdir(path.dirname(fifo), { recursive: true });
  await promisify(execFile)("mkfifo", [fifo]);
  const bad = await db().photo.create({
    data: { setId: set.id, teamId: team.id, contentHash: hash, originalName: "crasher.jpg", mimeType: "image/jpeg", sizeBytes: 1000 },
  });
  // A healthy photo behind it in the same set must not be held up.
  const { photoId: good } = await ingestFile({ teamId: team.id, setId: set.id, originalName: "fine.jpg", buffer: await sceneJpeg(611) });

  const row = () => db().photo.findUniqueOrThrow({ where: { id: bad.id } });
  const leaseAheadMs = async () =>
    (await db().$queryRaw<{ ms: number }[]>`
      SELECT (extract(epoch FROM "leaseExpiresAt" - now()) * 1000)::float8 AS ms FROM "Photo" WHERE id = ${bad.id}`)[0]?.ms ?? 0;

  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    // The previous worker's lease must run out before anyone may take the photo again.
    await until(async () => (await leaseAheadMs()) < 0 || (await row()).state === "UPLOADED", 30_000, "the dead worker's lease to expire");
    const worker = startImageWorker(set.id, childEnv);
    await until(async () => {
      const p = await row();
      return p.state === "PROCESSING" && p.attempts === attempt;
    }, 60_000, `claim number ${attempt}`);
    const claimedUntil = (await row()).leaseExpiresAt!.getTime();
    // Alive (blocked in the "decode"), the worker renews its lease past the first one.
    await until(async () => (await row()).leaseExpiresAt!.getTime() > claimedUntil, 30_000, "a lease renewal");
    // The healthy photo is not in hand (a kill now would count against it too).
    await until(async () => (await db().photo.findUniqueOrThrow({ where: { id: good } })).state !== "PROCESSING", 30_000, "the healthy photo to be done");
    expect(worker.exitCode).toBeNull();
    await stopProcess(worker, "SIGKILL");
    const p = await row();
    expect(p).toMatchObject({ state: "PROCESSING", attempts: attempt });
    // Dead, it holds the photo for at most one lease.
    expect(await leaseAheadMs()).toBeLessThanOrEqual(LEASE_MS);
  }

  // The next worker does not open the photo again: it gives up on it and exits normally.
  await until(async () => (await leaseAheadMs()) < 0, 30_000, "the last lease to expire");
  const last = startImageWorker(set.id, childEnv);
  // (If it claimed the photo once more instead, it would block on it: stop waiting then.)
  await until(async () => last.exitCode !== null || (await row()).attempts > MAX_ATTEMPTS, 60_000, "the last worker to finish");
  const p = await row();
  expect(p.attempts, "the photo was claimed again after MAX_ATTEMPTS crashes").toBe(MAX_ATTEMPTS);
  await exited(last);
  expect(last.exitCode).toBe(0);
  expect(p).toMatchObject({ state: "FAILED", attempts: MAX_ATTEMPTS, leaseOwner: null, leaseExpiresAt: null });
  expect(p.stateReason).toMatch(new RegExp(`^Processing crashed ${MAX_ATTEMPTS} times`));
  expect(await db().photo.findUniqueOrThrow({ where: { id: good } })).toMatchObject({ state: "QUEUED", attempts: 1 });
}, 120_000);
