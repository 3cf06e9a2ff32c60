// One image-worker pass as its own process, for crash tests (spawnImageWorker in
// faults-worker.ts): processes the waiting photos of the set named on the
// command line with the real pipeline, then exits 0.
import { closeDb } from "@/lib/db";
import { processPendingPhotos } from "@/lib/images/pipeline";

async function main(): Promise<void> {
  const finished = await processPendingPhotos({ setId: process.argv[2] });
  console.log(`[image worker ${process.pid}] finished ${finished}`);
  await closeDb();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
