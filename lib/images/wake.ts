// In-process signal from ingest to the image worker: a new photo is waiting,
// so the worker starts now instead of at its next poll.
import { EventEmitter } from "node:events";

const g = globalThis as unknown as { __instaImageWake?: EventEmitter };
const bus = (g.__instaImageWake ??= new EventEmitter());
// Every idle lane of the image worker (one per core) listens at once.
bus.setMaxListeners(0);

export function notifyUploaded(): void {
  bus.emit("uploaded");
}

/** Resolves at the next upload or after ms, whichever is first. */
export function waitForUpload(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      bus.off("uploaded", done);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    bus.once("uploaded", done);
    signal?.addEventListener("abort", done, { once: true });
  });
}
