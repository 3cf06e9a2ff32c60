"use client";
// Drop zone and pickers (files or a whole folder), overall and per-file
// progress, failures with "retry failed", and cancel. The queue logic lives in
// ingest-queue.ts; this component only shows it.
import { useEffect, useMemo, useRef, useState, type DragEvent } from "react";
import { UploadQueue, filesFromDrop, filesFromInput, formatBytes, formatDuration, type QueueSnapshot } from "./ingest-queue";
import { count } from "@/lib/count";

const ACTIVE = new Set(["hashing", "checking", "uploading"]);

export function IngestUploader({ teamId, setId }: { teamId: string; setId: string }) {
  const [snap, setSnap] = useState<QueueSnapshot | null>(null);
  const [dragging, setDragging] = useState(false);
  const folderInput = useRef<HTMLInputElement>(null);
  const queue = useMemo(
    () =>
      new UploadQueue(
        { check: `/api/teams/${teamId}/sets/${setId}/uploads/check`, upload: `/api/teams/${teamId}/sets/${setId}/uploads` },
        setSnap,
      ),
    [teamId, setId],
  );
  useEffect(() => {
    // React has no prop for webkitdirectory; set it on the element.
    folderInput.current?.setAttribute("webkitdirectory", "");
    folderInput.current?.setAttribute("directory", "");
  }, []);
  useEffect(() => () => queue.cancel(), [queue]);

  async function onDrop(e: DragEvent<HTMLDivElement>) {
    e.preventDefault();
    setDragging(false);
    queue.add(await filesFromDrop(e.dataTransfer));
  }

  const items = snap?.items ?? [];
  const inStatus = (s: string) => items.filter((i) => i.status === s).length;
  const failed = items.filter((i) => i.status === "failed");
  const twins = items.filter((i) => i.status === "duplicate" && i.duplicateOf);
  const retryable = failed.filter((i) => i.retryable !== false).length + inStatus("cancelled");
  const finished = items.filter((i) => !ACTIVE.has(i.status) && i.status !== "waiting").length;
  const pct = snap && snap.totalBytes > 0 ? Math.round((snap.doneBytes / snap.totalBytes) * 100) : 0;

  return (
    <section className="card space-y-4" aria-label="Upload photos">
      <div
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => void onDrop(e)}
        className={`flex flex-col items-center gap-3 rounded-lg border-2 border-dashed p-6 text-center ${dragging ? "border-brand-500 bg-pink-50" : "border-neutral-300"}`}
        data-testid="drop-zone"
      >
        <p className="text-sm text-neutral-600">Drop photos or a whole folder here (JPEG, PNG, WebP, AVIF, TIFF, GIF).</p>
        <div className="flex gap-2">
          <label className="btn-secondary cursor-pointer">
            Choose photos
            <input type="file" multiple accept="image/*" className="sr-only" data-testid="file-input" onChange={(e) => { queue.add(filesFromInput(e.target.files)); e.target.value = ""; }} />
          </label>
          <label className="btn-secondary cursor-pointer">
            Choose a folder
            <input ref={folderInput} type="file" multiple className="sr-only" data-testid="folder-input" onChange={(e) => { queue.add(filesFromInput(e.target.files)); e.target.value = ""; }} />
          </label>
        </div>
      </div>

      {snap && (items.length > 0 || snap.hidden.length > 0) && (
        <div className="space-y-2" data-testid="upload-progress">
          <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
            <span data-testid="upload-summary">
              {finished} of {items.length} files · {formatBytes(snap.doneBytes)} of {formatBytes(snap.totalBytes)}
              {snap.running && snap.bytesPerSecond > 0 && ` · ${formatBytes(snap.bytesPerSecond)}/s`}
              {snap.etaSeconds !== null && ` · ${formatDuration(snap.etaSeconds)} left`}
            </span>
            <span className="flex gap-2">
              {retryable > 0 && !snap.running && (
                <button className="btn-secondary" onClick={() => queue.retryFailed()} data-testid="retry-failed">Retry failed ({retryable})</button>
              )}
              {snap.running ? (
                <button className="btn-danger" onClick={() => queue.cancel()} data-testid="cancel-upload">Cancel</button>
              ) : (
                <button className="btn-secondary" onClick={() => queue.clearFinished()}>Clear</button>
              )}
            </span>
          </div>
          <div className="h-2 overflow-hidden rounded bg-neutral-200" role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100}>
            <div className="h-full bg-brand-500 transition-all" style={{ width: `${pct}%` }} />
          </div>
          <p className="text-xs text-neutral-500">
            <span data-testid="count-uploaded">{inStatus("done")} uploaded</span> ·{" "}
            <span data-testid="count-already">{inStatus("already")} already uploaded</span> ·{" "}
            <span data-testid="count-duplicate">{count(inStatus("duplicate"), "duplicate")}</span> ·{" "}
            <span data-testid="count-failed">{failed.length} failed</span>
            {snap.running && ` · ${inStatus("waiting")} waiting`}
            {snap.hidden.length > 0 && (
              <>
                {" · "}
                <span data-testid="count-hidden" title={snap.hidden.join("\n")}>
                  {count(snap.hidden.length, "hidden file")} skipped
                </span>
              </>
            )}
          </p>
          <ul className="max-h-40 space-y-1 overflow-y-auto text-xs">
            {items.filter((i) => ACTIVE.has(i.status)).map((i) => (
              <li key={i.id} className="flex items-center gap-2">
                <span className="w-20 shrink-0 text-neutral-500">{i.status}</span>
                <span className="min-w-0 flex-1 truncate">{i.path}</span>
                <span className="w-24 shrink-0 text-right tabular-nums">{formatBytes(i.sent)} / {formatBytes(i.file.size)}</span>
              </li>
            ))}
          </ul>
          {twins.length > 0 && (
            <ul className="max-h-24 space-y-1 overflow-y-auto text-xs text-neutral-600" data-testid="upload-duplicates">
              {twins.map((i) => (
                <li key={i.id} data-testid="upload-duplicate">
                  <span className="font-medium">{i.path}</span> is the same photo as {i.duplicateOf}: stored once.
                </li>
              ))}
            </ul>
          )}
          {failed.length > 0 && (
            <ul className="space-y-1 rounded border border-red-200 bg-red-50 p-2 text-xs text-red-800" data-testid="upload-failures">
              {failed.map((i) => (
                <li key={i.id} data-testid="upload-failure"><span className="font-medium">{i.path}</span>: {i.error}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
