// A client that POSTs a huge body with no Content-Length (Transfer-Encoding:
// chunked), as fast as the server takes it, and stops as soon as an answer
// arrives or the server closes the connection. It tells how many bytes it got
// to write before that: a server that stops reading at its limit answers long
// before the whole body is sent.
import http from "node:http";

export interface ChunkedPostResult {
  /** The answer's status, or undefined when the connection ended without one. */
  status?: number;
  body: string;
  /** Bytes of body handed to the socket before the answer (or the error) came. */
  bytesWritten: number;
  /** True when the whole body was written: the server read it all. */
  sentAll: boolean;
  error?: string;
}

export function postChunked(url: string, totalBytes: number, headers: Record<string, string> = {}, chunkBytes = 64 * 1024): Promise<ChunkedPostResult> {
  const chunk = Buffer.alloc(chunkBytes, 0x61); // "aaaa...": not JSON, but a parser must read it all to know that
  return new Promise((resolve) => {
    let bytesWritten = 0;
    let stopped = false;
    let settled = false;
    const result = (r: Omit<ChunkedPostResult, "bytesWritten" | "sentAll">) => {
      if (settled) return;
      settled = true;
      resolve({ ...r, bytesWritten, sentAll: bytesWritten >= totalBytes });
    };
    const req = http.request(url, { method: "POST", agent: false, headers: { "content-type": "application/json", ...headers } });
    req.on("response", (res) => {
      stopped = true;
      const parts: Buffer[] = [];
      res.on("data", (d: Buffer) => parts.push(d));
      const done = () => {
        result({ status: res.statusCode, body: Buffer.concat(parts).toString() });
        req.destroy();
      };
      res.on("end", done);
      res.on("close", done);
    });
    req.on("error", (err) => {
      stopped = true;
      // The server may close right after its answer; the answer, if parsed, wins.
      setTimeout(() => result({ body: "", error: err.message }), 200);
    });
    // The opening bytes make a JSON string, so a server that reads everything
    // is parsing one long valid-looking value.
    req.write('{"email":"');
    const pump = () => {
      while (!stopped && bytesWritten < totalBytes) {
        bytesWritten += chunk.length;
        if (!req.write(chunk)) {
          req.once("drain", pump);
          return;
        }
      }
      if (!stopped) req.end('"}');
    };
    pump();
  });
}
