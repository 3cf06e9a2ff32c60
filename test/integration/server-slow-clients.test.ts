// The body-progress rule of lib/server/slow-clients.ts on a plain Node server:
// a client is judged only while the server is taking its bytes. A handler
// that does not read for several windows (busy: a database call, a disk
// write) stops a fast client through backpressure; that client must not be
// cut for it. (The e2e suite hardening-slow-clients checks the rule against
// the real app server.)
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect, it } from "vitest";
import { guardSlowClients, serverTimeoutOptions, type SlowClientLimits } from "@/lib/server/slow-clients";

const LIMITS: SlowClientLimits = { headersTimeoutMs: 1000, requestTimeoutMs: 0, idleTimeoutMs: 10_000, bodyMinBytesPerS: 64 * 1024, bodyWindowMs: 500 };
const BODY = 8 * 1024 * 1024; // far more than socket buffers hold, so the client is held back
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
});

async function serve(readAfterMs: number): Promise<string> {
  server = createServer(serverTimeoutOptions(LIMITS), (req, res) => {
    void sleep(readAfterMs)
      .then(async () => {
        let n = 0;
        for await (const chunk of req) n += (chunk as Buffer).length;
        res.end(String(n));
      })
      .catch(() => res.destroy()); // the client was cut mid-body
  });
  guardSlowClients(server, LIMITS);
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

function post(url: string, write: (req: ReturnType<typeof request>) => Promise<void>): Promise<string> {
  return new Promise((resolve) => {
    const req = request(url, { method: "POST", headers: { "content-length": String(BODY) } }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d.toString()));
      res.on("end", () => resolve(`${res.statusCode} ${text}`));
    });
    req.on("error", (err) => resolve(`cut: ${err.message}`));
    void write(req);
  });
}

it("does not cut a fast client the server keeps waiting for several windows", async () => {
  const url = await serve(4 * LIMITS.bodyWindowMs);
  const answer = await post(url, async (req) => {
    const chunk = Buffer.alloc(64 * 1024, 1);
    for (let sent = 0; sent < BODY; sent += chunk.length) {
      if (!req.write(chunk)) await new Promise((r) => req.once("drain", r));
    }
    req.end();
  });
  expect(answer).toBe(`200 ${BODY}`);
});

it("cuts a client that stops sending while the server is reading", async () => {
  const url = await serve(0);
  const answer = await post(url, async (req) => {
    req.write(Buffer.alloc(1024, 1)); // then nothing, for ever
  });
  expect(answer).toMatch(/^cut: /);
});
