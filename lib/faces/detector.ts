// The face detector: @vladmandic/human's face detector (BlazeFace) + face mesh
// + iris models (Google MediaPipe, Apache-2.0, shipped inside the package) on
// TensorFlow.js' WASM backend, on the CPU, with no network. Loaded once per
// process on first use (1-2.5 s); only the face stage's child process
// (lib/faces/child.ts) and the labelled-set test load it.
//
// Three traps, each checked here (docs/decisions/020-faces-on-the-cpu.md):
// - the package's Node entry (human.node.js) wants @tensorflow/tfjs-node, whose
//   install downloads a native binary: we load its WASM build by file path (its
//   "exports" map spells that subpath without "./", so Node refuses the name);
// - the WASM backend fetches its .wasm from a CDN unless told the package folder;
// - tfjs reads models with fetch, and Node's fetch has no file://: a load
//   router reads the model JSON and weights from disk.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type { Config, Human } from "@vladmandic/human";
import { MIN_BOX_SCORE, type RawFace } from "./measure";

const require = createRequire(import.meta.url);

/** The folder of a package's main file (its package.json is not exported). */
const distDir = (name: string) => path.dirname(require.resolve(name));

const CONFIG: Partial<Config> = {
  backend: "wasm",
  debug: false,
  async: true,
  warmup: "none",
  // Every photo is a new image: no caching of results between calls.
  cacheSensitivity: 0,
  filter: { enabled: false },
  face: {
    enabled: true,
    detector: { rotation: false, maxDetected: 30, minConfidence: MIN_BOX_SCORE, return: false },
    mesh: { enabled: true },
    iris: { enabled: true },
    attention: { enabled: false },
    description: { enabled: false },
    emotion: { enabled: false },
    antispoof: { enabled: false },
    liveness: { enabled: false },
    gear: { enabled: false },
  },
  body: { enabled: false },
  hand: { enabled: false },
  object: { enabled: false },
  gesture: { enabled: false },
  segmentation: { enabled: false },
} as Partial<Config>;

interface TfIo {
  registerLoadRouter(router: (url: string | string[]) => unknown): void;
  getModelArtifactsForJSON(json: unknown, loadWeights: (manifest: WeightGroup[]) => Promise<[unknown[], ArrayBuffer]>): Promise<unknown>;
}
interface WeightGroup {
  paths: string[];
  weights: unknown[];
}

/** Serves tfjs' model loads for file:// URLs from disk. */
function registerFileRouter(io: TfIo): void {
  io.registerLoadRouter((url) => {
    const u = Array.isArray(url) ? url[0] : url;
    if (typeof u !== "string" || !u.startsWith("file://")) return null;
    const file = u.slice("file://".length);
    return {
      load: async () => {
        const json: unknown = JSON.parse(await readFile(file, "utf8"));
        return io.getModelArtifactsForJSON(json, async (manifest) => {
          const specs: unknown[] = [];
          const parts: Buffer[] = [];
          for (const group of manifest) {
            for (const p of group.paths) parts.push(await readFile(path.join(path.dirname(file), p)));
            specs.push(...group.weights);
          }
          const all = Buffer.concat(parts);
          return [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer];
        });
      },
    };
  });
}

let loading: Promise<Human> | undefined;

/** The loaded detector (loaded on the first call, once per process). */
export function loadDetector(): Promise<Human> {
  loading ??= (async () => {
    const humanDist = distDir("@vladmandic/human");
    const { Human: HumanClass } = require(path.join(humanDist, "human.node-wasm.js")) as { Human: new (c: Partial<Config>) => Human };
    const human = new HumanClass({
      ...CONFIG,
      wasmPath: `${distDir("@tensorflow/tfjs-backend-wasm")}/`,
      modelBasePath: `file://${path.join(humanDist, "..", "models")}/`,
    });
    registerFileRouter(human.tf.io as unknown as TfIo);
    await human.load();
    if (human.tf.getBackend() !== "wasm") throw new Error(`the face detector runs on "${String(human.tf.getBackend())}", not the WASM backend`);
    return human;
  })();
  loading.catch(() => {
    loading = undefined; // a failed load is tried again on the next photo
  });
  return loading;
}

/** Face candidates in an RGB image (width x height x 3 bytes), in its pixels. */
export async function detectFaces(rgb: Uint8Array, width: number, height: number): Promise<RawFace[]> {
  const human = await loadDetector();
  const input = human.tf.tensor3d(rgb, [height, width, 3], "int32");
  try {
    const result = await human.detect(input as never);
    return result.face.map((f) => ({
      box: [f.box[0], f.box[1], f.box[2], f.box[3]],
      boxScore: f.boxScore,
      faceScore: f.faceScore,
      mesh: f.mesh.map((p) => [p[0], p[1], p[2] ?? 0]),
    }));
  } finally {
    input.dispose();
  }
}
