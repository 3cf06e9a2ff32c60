// The pollers of `npm run bench:progress`, in a process of their own so that
// their timings hold only the server's answer, not the event-loop delays of
// the bench process (which also plays the analysis run). Each poller asks once
// a second from a random phase, as an open dashboard does; its first request
// (which opens its connection) is not measured.
//
// Input: one JSON line on stdin {target, cookie, pollers, seconds}.
// Output: one JSON line {latencies (ms, in the order answered), startedAt (ms
// since the start, per latency), errors}.
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";

const input = z.object({ target: z.url(), cookie: z.string(), pollers: z.number().int().positive(), seconds: z.number().positive() });

async function main() {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const { target, cookie, pollers, seconds } = input.parse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
  const latencies: number[] = [];
  const startedAt: number[] = []; // ms since the first poller started, per latency
  const t00 = performance.now();
  let errors = 0;
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: pollers }, async () => {
      await sleep(Math.random() * 1000);
      // One unmeasured request first: it opens this poller's keep-alive
      // connection, as a dashboard's first poll does once per page view.
      const warm = performance.now();
      await fetch(target, { headers: { cookie } }).then((r) => r.arrayBuffer()).catch(() => undefined);
      await sleep(Math.max(0, 1000 - (performance.now() - warm)));
      while (Date.now() < until) {
        const t0 = performance.now();
        try {
          const res = await fetch(target, { headers: { cookie } });
          await res.arrayBuffer();
          if (res.status !== 200) errors++;
          else {
            latencies.push(performance.now() - t0);
            startedAt.push(t0 - t00);
          }
        } catch {
          errors++;
        }
        await sleep(Math.max(0, 1000 - (performance.now() - t0)));
      }
    }),
  );
  process.stdout.write(`${JSON.stringify({ latencies, startedAt, errors })}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
