// The dashboard's buttons. PhotoSet.status gates claiming: the analysis
// engine's worker takes queued photos only of sets that are not PAUSED or
// CANCELLED, so these are single-row updates. The engine looks every second
// and hands back what it holds of a stopped set and has not sent (also batches
// waiting for rate budget); requests already in flight finish and are saved.
// Retry and re-analyse put photos back in the QUEUED state the engine reads
// (lib/photos/lifecycle.ts owns those writes).
import { db, type SetStatus } from "@/lib/db";
import { conflict, notFound } from "@/lib/errors";
import { isFailedInPipeline, requeue } from "@/lib/photos";

export type RunAction = "start" | "pause" | "resume" | "cancel";

/** Which statuses each action may leave from, and where it goes. */
const TRANSITIONS: Record<RunAction, { from: SetStatus[]; to: SetStatus }> = {
  start: { from: ["IDLE", "CANCELLED", "PAUSED", "RUNNING"], to: "RUNNING" },
  pause: { from: ["RUNNING", "IDLE"], to: "PAUSED" },
  resume: { from: ["PAUSED"], to: "RUNNING" },
  cancel: { from: ["RUNNING", "PAUSED", "IDLE"], to: "CANCELLED" },
};

export async function setRunStatus(teamId: string, setId: string, action: RunAction): Promise<SetStatus> {
  const t = TRANSITIONS[action];
  const r = await db().photoSet.updateMany({ where: { id: setId, teamId, status: { in: t.from } }, data: { status: t.to } });
  if (r.count === 1) return t.to;
  const set = await db().photoSet.findFirst({ where: { id: setId, teamId }, select: { status: true } });
  if (!set) throw notFound("Photo set not found");
  throw conflict(`Cannot ${action} a set that is ${set.status.toLowerCase()}.`);
}

/**
 * "Re-analyse this photo": back to the queue with forceAnalyze, so fast mode
 * lets it through and the engine asks the model again. A person's edits stay.
 */
export async function reanalysePhoto(teamId: string, photoId: string): Promise<void> {
  const p = await db().photo.findFirst({ where: { id: photoId, teamId }, select: { state: true, failedStage: true } });
  if (!p) throw notFound("Photo not found");
  if (isFailedInPipeline(p)) {
    throw conflict("This file could not be read, so there is nothing to analyse: upload a good copy of it instead.");
  }
  if (p.state === "UPLOADED" || p.state === "PROCESSING") throw conflict("This photo is still being processed.");
  if (p.state === "ANALYZING" || (await requeue(teamId, [photoId])) === 0) throw conflict("This photo is being analysed right now.");
}
