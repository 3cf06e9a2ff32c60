// Streams an export as a ZIP with archiver. archiver itself accepts entries as
// fast as they come, whatever the reader does, so the pump waits for two
// things before handing over the next entry: archiver has taken the previous
// one ('entry'), and the returned stream is not backed up. A slow download
// therefore slows the JPEG rendering down; memory holds about one entry plus
// the stream buffers, never the whole archive.
import { once } from "node:events";
import { PassThrough, type Readable } from "node:stream";
import { ZipArchive } from "archiver";
import type { ExportEntry } from "./entries";

const OUT_BUFFER_BYTES = 1024 * 1024;

function drained(out: PassThrough): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off("drain", done);
      out.off("close", done);
      resolve();
    };
    out.on("drain", done);
    out.on("close", done);
  });
}

export function zipStream(entries: AsyncIterable<ExportEntry>, signal?: AbortSignal): Readable {
  const archive = new ZipArchive({ zlib: { level: 6 } });
  const out = new PassThrough({ highWaterMark: OUT_BUFFER_BYTES });
  archive.pipe(out);
  archive.on("error", (err) => out.destroy(err));
  const stopped = () => signal?.aborted === true || out.destroyed;

  const pump = async () => {
    for await (const e of entries) {
      if (stopped()) break;
      const written = once(archive, "entry");
      archive.append(typeof e.data === "string" ? Buffer.from(e.data, "utf8") : e.data, {
        name: e.path,
        store: e.compressed ?? false,
        date: new Date(),
      });
      await written;
      while (out.writableNeedDrain && !stopped()) await drained(out);
    }
    if (stopped()) {
      archive.abort();
      return;
    }
    await archive.finalize();
  };
  signal?.addEventListener("abort", () => out.destroy(), { once: true });
  pump().catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return out;
}
