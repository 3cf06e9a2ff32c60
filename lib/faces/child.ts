// The face stage's detector process: started (niced) by lib/faces/client.ts
// with an IPC channel, it answers { id, contentHash } with the faces in that
// content's stored analysis JPEG. A process of its own because detection is
// ~0.2-0.5 s of WASM on the event loop per photo and ~200 MB of model memory:
// in the app server it would stall requests; niced, it yields the CPU to the
// image pipeline and the server. It ends when its parent goes away.
import { getEnv } from "@/lib/env";
import { storage } from "@/lib/storage/local"; // the detector process loads no database (+70 MB RSS)
import { scanImage } from "./scan";
import type { ScanReply, ScanRequest } from "./protocol";

async function answer(req: ScanRequest): Promise<ScanReply> {
  try {
    const jpeg = await storage().get(req.contentHash, "analysis");
    return { id: req.id, ok: true, faces: await scanImage(jpeg) };
  } catch (err) {
    return { id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

if (!process.send) {
  console.error("lib/faces/child.ts is started by the face stage with an IPC channel, not by hand.");
  process.exit(2);
}
getEnv(); // a bad environment fails here, once, not on the first photo
// One photo at a time, in order: the parent sends the next when this one is answered.
let queue = Promise.resolve();
process.on("message", (req: ScanRequest) => {
  queue = queue.then(async () => {
    process.send?.(await answer(req));
  });
});
process.once("disconnect", () => process.exit(0));
