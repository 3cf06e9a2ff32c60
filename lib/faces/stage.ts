// The face stage: after the image pipeline, and never ahead of it, each content
// of a team is scanned once for faces (per detector version, like the analysis
// cache) and every photo of that content in the team is linked to the scan,
// with its face count copied for the People filter. Pending work is database
// state: a prepared photo (preparedAt, recorded by lib/photos/lifecycle.ts)
// without a scan of the current version. Not "has a phash": a low-detail image
// (a logo on transparency, a flat colour) is prepared without one.
import { db, type Prisma } from "@/lib/db";
import { GROUP_MIN_FACES } from "@/lib/llama";
import { waitForUpload } from "@/lib/images/wake";
import { ScanError, type FaceScanner } from "./client";
import { DETECTOR_VERSION } from "./detector-version";
import { summarize, UNSHARP_FACE_BELOW, type FaceFact } from "./measure";

const POLL_MS = 2000;

interface Pending {
  teamId: string;
  contentHash: string;
}

/** The oldest prepared photo whose content has no scan of the current version yet. */
async function nextPending(setId: string | undefined): Promise<Pending | null> {
  const rows = await db().$queryRaw<Pending[]>`
    SELECT p."teamId", p."contentHash" FROM "Photo" p
    LEFT JOIN "FaceScan" f ON f.id = p."faceScanId"
    WHERE p."preparedAt" IS NOT NULL
      AND (p."faceScanId" IS NULL OR f.version <> ${DETECTOR_VERSION})
      AND (${setId ?? null}::text IS NULL OR p."setId" = ${setId ?? null}::text)
    ORDER BY p."createdAt" LIMIT 1`;
  return rows[0] ?? null;
}

/** True while photos wait for (or are in) the image pipeline: thumbnails come first. */
async function imageWorkWaiting(): Promise<boolean> {
  const row = await db().photo.findFirst({ where: { state: { in: ["UPLOADED", "PROCESSING"] } }, select: { id: true } });
  return row !== null;
}

/** Links every photo of the content in the team to the scan; returns their sets. */
async function link(p: Pending, scan: { id: string; faceCount: number | null }): Promise<string[]> {
  const photos = await db().photo.findMany({ where: { teamId: p.teamId, contentHash: p.contentHash }, select: { setId: true } });
  await db().photo.updateMany({ where: { teamId: p.teamId, contentHash: p.contentHash }, data: { faceScanId: scan.id, faceCount: scan.faceCount } });
  // The local provider's tag for groups (lib/llama/local.ts) on its stored
  // analysis of this content, before the category update below refreshes the
  // photos' search text (lib/analysis/writer.ts does the same when it comes second).
  await db().$executeRaw`
    UPDATE "AnalysisCache"
       SET result = jsonb_set(result, '{tags}', CASE WHEN ${scan.faceCount ?? 0}::int >= ${GROUP_MIN_FACES}::int THEN '["group"]'::jsonb ELSE '[]'::jsonb END)
     WHERE provider = 'local' AND "teamId" = ${p.teamId} AND "contentHash" = ${p.contentHash}`;
  // Without a key the local provider names no category: faces make it "people"
  // (lib/analysis/writer.ts does the same when the analysis comes second).
  await db().$executeRaw`
    UPDATE "Photo" p SET category = CASE WHEN p."faceCount" > 0 THEN 'people' END
      FROM "AnalysisCache" a
     WHERE a.id = p."analysisId" AND a.provider = 'local' AND p."teamId" = ${p.teamId} AND p."contentHash" = ${p.contentHash}`;
  return [...new Set(photos.map((x) => x.setId))];
}

async function store(p: Pending, result: { faces: FaceFact[] } | { error: string }) {
  const data =
    "faces" in result
      ? { ...summarize(result.faces), faces: result.faces as unknown as Prisma.InputJsonValue, error: null }
      : { faceCount: null, eyesClosed: 0, mainFaceSharpness: null, faces: [], error: result.error };
  return db().faceScan.upsert({
    where: { teamId_contentHash_version: { teamId: p.teamId, contentHash: p.contentHash, version: DETECTOR_VERSION } },
    create: { teamId: p.teamId, contentHash: p.contentHash, version: DETECTOR_VERSION, ...data },
    update: data,
    select: { id: true, faceCount: true },
  });
}

/**
 * Scans one pending content (or links a scan another set of the team already
 * has). Returns the sets whose photos changed, or null when nothing is pending.
 */
export async function scanNext(scanner: FaceScanner, opts: { setId?: string; signal?: AbortSignal } = {}): Promise<string[] | null> {
  const p = await nextPending(opts.setId);
  if (!p) return null;
  const known = await db().faceScan.findUnique({
    where: { teamId_contentHash_version: { teamId: p.teamId, contentHash: p.contentHash, version: DETECTOR_VERSION } },
    select: { id: true, faceCount: true },
  });
  if (known) return link(p, known);
  let result: { faces: FaceFact[] } | { error: string };
  try {
    result = { faces: await scanner.scan(p.contentHash) };
  } catch (err) {
    // Stopping mid-scan is not the photo's fault: it is scanned after the restart.
    if (opts.signal?.aborted || !(err instanceof ScanError)) throw err;
    console.error(`[faces] ${p.contentHash.slice(0, 12)}: ${err.message}`);
    result = { error: `Faces could not be detected: ${err.message}` };
  }
  return link(p, await store(p, result));
}

/** Scans until nothing is pending (optionally in one set) or `signal` aborts; returns how many contents were handled. */
export async function scanPendingFaces(scanner: FaceScanner, opts: { setId?: string; signal?: AbortSignal } = {}): Promise<number> {
  let n = 0;
  while (!opts.signal?.aborted && (await scanNext(scanner, opts)) !== null) n++;
  return n;
}

/** What the face stage found in a set, as the People filter counts it (the CLI's summary and report). */
export interface SetFaceSummary {
  /** Photos of the set through the image pipeline (the ones the stage looks at). */
  photos: number;
  /** Of those, photos with a scan (failed scans included). */
  scanned: number;
  withPeople: number;
  /** Faces over all photos. */
  people: number;
  /** Photos with 3 or more faces (tagged "group" without a key). */
  groups: number;
  eyesClosed: number;
  unsharpFace: number;
  failed: number;
}

export async function setFaceSummary(setId: string): Promise<SetFaceSummary> {
  const [r] = await db().$queryRaw<Record<keyof SetFaceSummary, bigint | number | null>[]>`
    SELECT count(*) AS photos,
           count(f.id) AS scanned,
           count(*) FILTER (WHERE p."faceCount" > 0) AS "withPeople",
           coalesce(sum(p."faceCount"), 0) AS people,
           count(*) FILTER (WHERE p."faceCount" >= ${GROUP_MIN_FACES}::int) AS groups,
           count(*) FILTER (WHERE p."faceCount" > 0 AND f."eyesClosed" > 0) AS "eyesClosed",
           count(*) FILTER (WHERE p."faceCount" > 0 AND f."mainFaceSharpness" < ${UNSHARP_FACE_BELOW}) AS "unsharpFace",
           count(f.id) FILTER (WHERE f."faceCount" IS NULL) AS failed
      FROM "Photo" p
      LEFT JOIN "FaceScan" f ON f.id = p."faceScanId" AND f.version = ${DETECTOR_VERSION}
     WHERE p."setId" = ${setId} AND p."preparedAt" IS NOT NULL`;
  const n = (k: keyof SetFaceSummary) => Number(r?.[k] ?? 0);
  return {
    photos: n("photos"),
    scanned: n("scanned"),
    withPeople: n("withPeople"),
    people: n("people"),
    groups: n("groups"),
    eyesClosed: n("eyesClosed"),
    unsharpFace: n("unsharpFace"),
    failed: n("failed"),
  };
}

/**
 * The background lane: one photo at a time, only while no photo waits for the
 * image pipeline, so uploads get their thumbnails at the pipeline's own speed
 * and faces follow. `onScanned` hears the sets whose photos gained a scan.
 */
export function startFaceStage(scanner: FaceScanner, onScanned: (setIds: string[]) => void = () => undefined): () => Promise<void> {
  const stop = new AbortController();
  const lane = async () => {
    while (!stop.signal.aborted) {
      try {
        if (await imageWorkWaiting()) {
          await waitForUpload(POLL_MS, stop.signal);
          continue;
        }
        const sets = await scanNext(scanner, { signal: stop.signal });
        if (sets === null) await waitForUpload(POLL_MS, stop.signal);
        else onScanned(sets);
      } catch (err) {
        if (stop.signal.aborted) break;
        console.error("[faces] the face stage failed; retrying", err);
        await waitForUpload(POLL_MS, stop.signal);
      }
    }
  };
  const running = lane();
  return async () => {
    stop.abort();
    await scanner.close();
    await running;
  };
}
