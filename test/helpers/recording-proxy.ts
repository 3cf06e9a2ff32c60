// A pass-through proxy in front of the local Llama test server that records
// every image it forwards (SHA-256 of the data URL), so tests can prove which
// photos were sent and how often - from outside the process under test.
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordingProxy {
  url: string;
  /** How many times each image (sha256 of its data URL) was sent. */
  sent: Map<string, number>;
  /** Client connections still open (0 once a killed client's sockets are closed and every request it sent is counted). */
  openConnections(): Promise<number>;
  close(): Promise<void>;
}

export function dataUrlHash(jpeg: Buffer): string {
  return createHash("sha256").update(`data:image/jpeg;base64,${jpeg.toString("base64")}`).digest("hex");
}

export async function createRecordingProxy(targetV1: string): Promise<RecordingProxy> {
  const target = new URL(targetV1);
  const sent = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      try {
        const j = JSON.parse(body.toString("utf8")) as { messages?: { content?: unknown }[] };
        for (const m of j.messages ?? []) {
          if (!Array.isArray(m.content)) continue;
          for (const item of m.content as { type?: string; image_url?: { url?: string } }[]) {
            const u = item.image_url?.url;
            if (item.type === "image_url" && u) {
              const h = createHash("sha256").update(u).digest("hex");
              sent.set(h, (sent.get(h) ?? 0) + 1);
            }
          }
        }
      } catch {
        // not JSON: forwarded as-is, the server answers 400
      }
      const fwd = http.request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      fwd.on("error", () => res.destroy());
      res.on("close", () => fwd.destroy());
      fwd.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${target.pathname.replace(/\/$/, "")}`,
    sent,
    openConnections: () => new Promise<number>((resolve, reject) => server.getConnections((err, n) => (err ? reject(err) : resolve(n)))),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
