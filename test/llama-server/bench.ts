// npm run bench:llama-server [-- --seconds 20 --rate 48 --batch 5]
// Shows the local test server is not the bottleneck of the benchmarks it serves:
//  A) sustained: paced requests at just under the default 3000/min budget with the
//     guide's 1.5 s median latency (so ~75 in flight), through the real llama provider;
//  B) capacity: zero latency, no budget, 100 connections as fast as they go.
// The server runs in its own process (npm run llama-server) so its CPU is measured alone.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { resolveConfig } from "@/lib/config";
import { createProvider, type PhotoInput } from "@/lib/llama";

const { values } = parseArgs({
  options: { seconds: { type: "string", default: "20" }, rate: { type: "string", default: "48" }, batch: { type: "string", default: "5" } },
});
const SECONDS = Number(values.seconds);
const RATE = Number(values.rate);
const BATCH = Number(values.batch);

interface Child {
  url: string;
  stop(): Promise<Record<string, number>>;
}

function startServer(args: string[]): Promise<Child> {
  const proc: ChildProcess = spawn("node_modules/.bin/tsx", ["test/llama-server/cli.ts", "--port", "0", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  return new Promise((resolve, reject) => {
    proc.once("exit", (code) => reject(new Error(`server exited (${code})`)));
    proc.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /on (http:\/\/\S+\/v1)/.exec(out);
      if (m && !out.includes("\u0000")) {
        out += "\u0000"; // resolve once
        resolve({
          url: m[1]!,
          stop: () =>
            new Promise((done) => {
              proc.removeAllListeners("exit");
              proc.once("exit", () => done(JSON.parse(out.slice(out.indexOf("{"))) as Record<string, number>));
              proc.kill("SIGINT");
            }),
        });
      }
    });
  });
}

// Few-KB "images": the server hashes the data URL, never decodes it.
const photos = (n: number, tag: string): PhotoInput[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `${tag}-${i}`,
    contentHash: `${tag}-${i}`,
    jpeg: randomBytes(4096),
    width: 1024,
    height: 768,
    sharpness: null,
    brightness: null,
  }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  // A) sustained
  const a = await startServer(["--rpm", "3000", "--latency-ms", "1500", "--spread", "0.3"]);
  const provider = createProvider(resolveConfig({ env: { LLAMA_API_KEY: "bench", LLAMA_API_BASE_URL: a.url } }));
  let ok = 0;
  let failed = 0;
  const pending: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; performance.now() - started < SECONDS * 1000; i++) {
    const due = started + (i * 1000) / RATE;
    if (due > performance.now()) await sleep(due - performance.now());
    pending.push(
      provider.analyze(photos(BATCH, `a${i}`), { signal: AbortSignal.timeout(30_000) }).then(
        () => void ok++,
        () => void failed++,
      ),
    );
  }
  const sendS = (performance.now() - started) / 1000;
  await Promise.all(pending);
  const sa = await a.stop();

  // B) capacity
  const b = await startServer(["--rpm", "100000000", "--tpm", "1000000000", "--latency-ms", "0", "--spread", "0"]);
  const fast = createProvider(resolveConfig({ env: { LLAMA_API_KEY: "bench", LLAMA_API_BASE_URL: b.url } }));
  let done = 0;
  const until = performance.now() + Math.min(10, SECONDS) * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 100 }, async (_, w) => {
      for (let i = 0; performance.now() < until; i++) {
        await fast.analyze(photos(BATCH, `b${w}-${i}`), { signal: AbortSignal.timeout(30_000) });
        done++;
      }
    }),
  );
  const capS = (performance.now() - t0) / 1000;
  const sb = await b.stop();

  const sustained = sa.accepted! / sendS;
  const capacity = done / capS;
  console.log(`A) sustained, ${RATE} req/s offered for ${sendS.toFixed(1)} s, batch ${BATCH}, median latency 1500 ms:`);
  console.log(
    `   accepted ${sa.accepted} (${sustained.toFixed(1)} req/s), ok ${ok}, failed ${failed}, 429s ${sa.rejected429}, ` +
      `max in flight ${sa.maxConcurrent}, overLimit ${sa.overLimit}, server CPU ${(sa.cpuMs! / sa.received!).toFixed(2)} ms/request`,
  );
  console.log(`B) capacity, 100 connections, no latency, batch ${BATCH}: ${capacity.toFixed(0)} req/s (server CPU ${(sb.cpuMs! / sb.received!).toFixed(2)} ms/request, client in another process)`);
  const serverBound = 1000 / (sb.cpuMs! / sb.received!);
  console.log(`   ratio measured capacity / 50 req/s (the guide's 3000/min) = ${(capacity / 50).toFixed(1)}x (the client, on the same 2 cores, is the limit)`);
  console.log(`   ratio server-CPU-bound capacity (one core) / 50 req/s = ${(serverBound / 50).toFixed(0)}x`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
