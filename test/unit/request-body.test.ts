// The request-body reader stops at its limit: an endless chunked body is
// refused after at most the limit plus one chunk has been pulled, and a
// declared Content-Length over the limit is refused before any byte is read.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { readJson } from "@/lib/http";
import { readBodyLimited } from "@/lib/request-body";

const CHUNK = 64 * 1024;

/** A request whose body never ends (or ends after `chunks`); counts the chunks the reader pulled. */
function endless(headers: Record<string, string> = {}, chunks = Infinity) {
  const pulled = { chunks: 0 };
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled.chunks >= chunks) return controller.close();
        pulled.chunks++;
        controller.enqueue(new Uint8Array(CHUNK).fill(0x61));
      },
    },
    { highWaterMark: 0 },
  );
  const req = new Request("http://app.test/api/signup", { method: "POST", body, headers, duplex: "half" } as RequestInit);
  return { req, pulled };
}

function chunked(parts: string[]): Request {
  const enc = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const p of parts) controller.enqueue(enc.encode(p));
      controller.close();
    },
  });
  return new Request("http://app.test/", { method: "POST", body, duplex: "half" } as RequestInit);
}

describe("readBodyLimited", () => {
  it("returns a body under the limit whole, across chunks", async () => {
    const bytes = await readBodyLimited(chunked(['{"a":', '"héllo"', "}"]), 1024);
    expect(new TextDecoder().decode(bytes)).toBe('{"a":"héllo"}');
  });

  it("refuses an endless body once the limit is passed, without reading on", async () => {
    const { req, pulled } = endless();
    await expect(readBodyLimited(req, 1024 * 1024)).rejects.toMatchObject({ status: 413, message: "The request body is larger than 1 MB." });
    expect(pulled.chunks * CHUNK).toBeLessThanOrEqual(1024 * 1024 + 2 * CHUNK);
  });

  it("refuses a declared length over the limit before reading anything", async () => {
    const { req, pulled } = endless({ "content-length": String(5 * 1024 * 1024) });
    await expect(readBodyLimited(req, 64 * 1024)).rejects.toMatchObject({ status: 413, message: "The request body is larger than 64 KB." });
    expect(pulled.chunks).toBe(0);
  });

  it("counts bytes, not characters", async () => {
    await expect(readBodyLimited(chunked(["é".repeat(600)]), 1000)).rejects.toMatchObject({ status: 413 });
  });
});

describe("readJson", () => {
  it("refuses a 64 MB chunked JSON body with 413 having read little more than 1 MB (it used to read it all first)", async () => {
    const { req, pulled } = endless({}, 1024);
    await expect(readJson(req, z.object({}))).rejects.toMatchObject({ status: 413 });
    expect(pulled.chunks * CHUNK).toBeLessThanOrEqual(1024 * 1024 + 2 * CHUNK);
  });
});
