// npm run llama-server -- --rpm 3000 --latency-ms 1500 [--tpm N] [--burst-s 2] [--spread 0.3]
//   [--seed 1] [--port 8787] [--api-key KEY] [--fault-5xx 0.01] [--fault-hang 0.01]
//   [--fault-malformed 0.01] [--fault-truncated 0.01] [--fault-wrong-count 0.01] [--stats-every 10]
// Runs the local Llama-protocol TEST server (not a real model) until Ctrl-C, then prints its stats.
import { parseArgs } from "node:util";
import { createLlamaServer } from "./server";

const { values } = parseArgs({
  options: {
    rpm: { type: "string", default: "3000" },
    tpm: { type: "string", default: "100000000" },
    "burst-s": { type: "string", default: "2" },
    "latency-ms": { type: "string", default: "1500" },
    spread: { type: "string", default: "0.3" },
    seed: { type: "string", default: "1" },
    port: { type: "string", default: "8787" },
    "api-key": { type: "string" },
    "fault-5xx": { type: "string", default: "0" },
    "fault-hang": { type: "string", default: "0" },
    "fault-malformed": { type: "string", default: "0" },
    "fault-truncated": { type: "string", default: "0" },
    "fault-wrong-count": { type: "string", default: "0" },
    "stats-every": { type: "string", default: "0" },
  },
});

function num(name: keyof typeof values): number {
  const n = Number(values[name]);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${name}: must be a non-negative number (got ${JSON.stringify(values[name])})`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  let cpuAtStart = process.cpuUsage();
  const server = await createLlamaServer({
    rpm: num("rpm"),
    tpm: num("tpm"),
    burstSeconds: num("burst-s"),
    latencyMedianMs: num("latency-ms"),
    latencySpread: num("spread"),
    seed: num("seed"),
    port: num("port"),
    ...(values["api-key"] ? { apiKey: values["api-key"] } : {}),
    faults: {
      serverError: num("fault-5xx"),
      hang: num("fault-hang"),
      malformed: num("fault-malformed"),
      truncated: num("fault-truncated"),
      wrongCount: num("fault-wrong-count"),
    },
  });
  console.log(`Llama-protocol TEST server (fake analyses) on ${server.url} (OpenAI shape: ${server.compatUrl})`);
  console.log(`Use: LLAMA_API_BASE_URL=${server.url} LLAMA_API_KEY=${values["api-key"] ?? "anything"}`);

  cpuAtStart = process.cpuUsage(); // after start-up: count only serving
  const every = num("stats-every");
  const ticker = every > 0 ? setInterval(() => console.log(JSON.stringify(server.stats())), every * 1000) : undefined;

  const stop = async () => {
    if (ticker) clearInterval(ticker);
    // cpuMs: this process's CPU time, so benchmarks can show the server is not the bottleneck.
    const cpu = process.cpuUsage(cpuAtStart);
    console.log(JSON.stringify({ ...server.stats(), cpuMs: Math.round((cpu.user + cpu.system) / 1000) }, null, 2));
    await server.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
