// npm run llama-server -- --rpm 3000 [--tpm N] [--burst-s 2] [--seed 1] [--port 8787] [--api-key KEY]
//   latency: [--latency-model tokens|fixed] (fixed when --latency-ms is given)
//            tokens: [--ttft-ms 300] [--prefill-tps 8000] [--decode-tps 150] [--jitter 0.1]
//            fixed:  [--latency-ms 1500] [--spread 0.3]
//   [--capacity N] [--image-tokens tiling|flat] [--completion-charge refund|max]
//   [--imperfect 0.2] [--imperfect-kinds cropPastEdge,hashtags,...]
//   [--fault-5xx 0.01] [--fault-hang 0.01] [--fault-malformed 0.01] [--fault-truncated 0.01]
//   [--fault-wrong-count 0.01] [--stats-every 10]
// Runs the local Llama-protocol TEST server (not a real model) until Ctrl-C, then prints its stats.
import { parseArgs } from "node:util";
import { IMPERFECTION_KINDS, type ImperfectionKind } from "./imperfect";
import { DEFAULT_LATENCY } from "./latency";
import { createLlamaServer } from "./server";

const { values } = parseArgs({
  options: {
    rpm: { type: "string", default: "3000" },
    tpm: { type: "string", default: "100000000" },
    "burst-s": { type: "string", default: "2" },
    "latency-model": { type: "string" },
    "latency-ms": { type: "string" },
    spread: { type: "string", default: "0.3" },
    "ttft-ms": { type: "string", default: String(DEFAULT_LATENCY.ttftMs) },
    "prefill-tps": { type: "string", default: String(DEFAULT_LATENCY.prefillTokensPerS) },
    "decode-tps": { type: "string", default: String(DEFAULT_LATENCY.decodeTokensPerS) },
    jitter: { type: "string", default: String(DEFAULT_LATENCY.jitter) },
    capacity: { type: "string", default: "Infinity" },
    "image-tokens": { type: "string", default: "tiling" },
    "completion-charge": { type: "string", default: "refund" },
    imperfect: { type: "string", default: "0" },
    "imperfect-kinds": { type: "string", default: IMPERFECTION_KINDS.join(",") },
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
  if (Number.isNaN(n) || n < 0 || (n === Infinity && name !== "capacity")) {
    console.error(`--${name}: must be a non-negative number (got ${JSON.stringify(values[name])})`);
    process.exit(2);
  }
  return n;
}

function oneOf<T extends string>(name: keyof typeof values, allowed: readonly T[]): T {
  const v = values[name];
  if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) {
    console.error(`--${name}: must be one of ${allowed.join(", ")} (got ${JSON.stringify(v)})`);
    process.exit(2);
  }
  return v as T;
}

function kinds(): ImperfectionKind[] {
  const list = String(values["imperfect-kinds"]).split(",").filter(Boolean);
  const unknown = list.filter((k) => !(IMPERFECTION_KINDS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    console.error(`--imperfect-kinds: unknown ${unknown.join(", ")} (known: ${IMPERFECTION_KINDS.join(", ")})`);
    process.exit(2);
  }
  return list as ImperfectionKind[];
}

async function main(): Promise<void> {
  let cpuAtStart = process.cpuUsage();
  const server = await createLlamaServer({
    rpm: num("rpm"),
    tpm: num("tpm"),
    burstSeconds: num("burst-s"),
    // --latency-ms alone keeps its old meaning (a fixed median whatever the answer).
    latencyModel: values["latency-model"] !== undefined ? oneOf("latency-model", ["tokens", "fixed"] as const) : values["latency-ms"] !== undefined ? "fixed" : "tokens",
    ...(values["latency-ms"] !== undefined ? { latencyMedianMs: num("latency-ms") } : {}),
    latencySpread: num("spread"),
    ttftMs: num("ttft-ms"),
    prefillTokensPerS: num("prefill-tps"),
    decodeTokensPerS: num("decode-tps"),
    latencyJitter: num("jitter"),
    capacity: num("capacity"),
    imageTokens: oneOf("image-tokens", ["tiling", "flat"] as const),
    completionCharge: oneOf("completion-charge", ["refund", "max"] as const),
    imperfect: num("imperfect"),
    imperfectKinds: kinds(),
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
  // No braces here: bench.ts reads the final stats from the first '{' of the output.
  const p = server.params;
  const latency =
    p.latencyModel === "fixed"
      ? `fixed, median ${p.latencyMedianMs} ms, spread ${p.latencySpread}`
      : `tokens: ${p.latency.ttftMs} ms + prompt at ${p.latency.prefillTokensPerS}/s + answer at ${p.latency.decodeTokensPerS}/s, jitter ${p.latency.jitter}`;
  console.log(
    `Latency ${latency}; capacity ${Number.isFinite(p.latency.capacity) ? p.latency.capacity : "unlimited"}; ` +
      `image tokens ${p.imageTokens}; completion charge ${p.completionCharge}; imperfect ${p.imperfect}` +
      (p.imperfect > 0 ? ` (${p.imperfectKinds.join(", ")})` : ""),
  );
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
