// Builds the effective configuration from its layers, lowest first:
// built-in defaults < profile < preset < config file < environment < CLI flags.
// Every bad value is refused with the key's full path and what is allowed;
// unknown keys are refused with a "did you mean".
import { readFileSync } from "node:fs";
import { getEnv } from "@/lib/env";
import { closest } from "./suggest";
import {
  KEYS,
  KEY_BY_FIELD,
  KEY_BY_PATH,
  describeAllowed,
  type KeyDef,
  type ResolvedConfig,
  type Settings,
} from "./keys";
import {
  DEFAULTS,
  DEFAULT_LLAMA_BASE_URL,
  DEFAULT_LLAMA_MODEL,
  DEFAULT_PROFILE,
  PRESETS,
  PROFILES,
  type Overrides,
} from "./profiles";

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(issues.length === 1 ? issues[0] : `Invalid configuration:\n  ${issues.join("\n  ")}`);
    this.name = "ConfigError";
  }
}

/** CLI flags, already parsed to values (see flagsFromArgs for raw strings). */
export type ConfigFlags = Partial<Settings> & { apiKey?: string };

export interface ResolveOptions {
  /** JSON config file; defaults to ORGANIZER_CONFIG. */
  file?: string;
  profile?: string;
  preset?: string;
  flags?: ConfigFlags;
  /** Environment to read (tests pass their own); defaults to the validated process environment. */
  env?: Record<string, string | undefined>;
}

/** File keys that choose a layer rather than set a value. */
const LAYER_KEYS = ["profile", "preset"] as const;

type Issues = string[];

/** Checks one value against its key; returns an issue text (prefixed by `where`) or the value. */
function check(def: KeyDef, value: unknown, where: string, issues: Issues): unknown {
  const t = def.type;
  const bad = () => {
    issues.push(`${where}: must be ${describeAllowed(t)} (got ${JSON.stringify(value)})`);
    return undefined;
  };
  switch (t.kind) {
    case "int":
      if (t.auto && value === "auto") return value;
      if (typeof value !== "number" || !Number.isInteger(value) || value < t.min || value > t.max) return bad();
      return value;
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value) || value < t.min || value > t.max) return bad();
      return value;
    case "bool":
      return typeof value === "boolean" ? value : bad();
    case "enum":
      return typeof value === "string" && t.values.includes(value) ? value : bad();
    case "string":
      return typeof value === "string" && value.trim() !== "" ? value.trim() : bad();
    case "url": {
      if (typeof value !== "string") return bad();
      try {
        const u = new URL(value);
        if (u.protocol !== "http:" && u.protocol !== "https:") return bad();
      } catch {
        return bad();
      }
      return value.replace(/\/+$/, "");
    }
  }
}

/** Environment variables and flags arrive as text: turn them into the key's type before checking. */
function fromText(def: KeyDef, raw: string): unknown {
  switch (def.type.kind) {
    case "int":
    case "number":
      // Text that is not a number stays text ("auto", or shown in the message as given).
      return raw.trim() === "" || Number.isNaN(Number(raw)) ? raw.trim() : Number(raw);
    case "bool":
      return raw === "1" || raw === "true" ? true : raw === "0" || raw === "false" ? false : raw;
    case "enum":
    case "string":
    case "url":
      return raw;
  }
}

function setField(target: Overrides, def: KeyDef, value: unknown): void {
  (target as Record<string, unknown>)[def.field] = value;
}

function readFile(file: string, issues: Issues): { values: Overrides; profile?: string; preset?: string } {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (err as Error).message;
    issues.push(`${file}: cannot read the config file (${reason})`);
    return { values: {} };
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    issues.push(`${file}: the config file must hold a JSON object`);
    return { values: {} };
  }
  const values: Overrides = {};
  const out: { values: Overrides; profile?: string; preset?: string } = { values };
  const known = [...KEYS.map((k) => k.path), ...LAYER_KEYS];
  const prefixes = new Set(KEYS.flatMap((k) => k.path.split(".").slice(0, -1).map((_, i, a) => a.slice(0, i + 1).join("."))));
  const walk = (obj: Record<string, unknown>, prefix: string) => {
    for (const [name, value] of Object.entries(obj)) {
      const path = prefix ? `${prefix}.${name}` : name;
      const def = KEY_BY_PATH.get(path);
      if (def) {
        const v = check(def, value, path, issues);
        if (v !== undefined) setField(values, def, v);
      } else if (!prefix && (LAYER_KEYS as readonly string[]).includes(path)) {
        if (typeof value !== "string") issues.push(`${path}: must be a string (got ${JSON.stringify(value)})`);
        else out[path as "profile" | "preset"] = value;
      } else if (prefixes.has(path) && typeof value === "object" && value !== null && !Array.isArray(value)) {
        walk(value as Record<string, unknown>, path);
      } else if (prefixes.has(path)) {
        issues.push(`${path}: must be an object (got ${JSON.stringify(value)})`);
      } else {
        const hint = closest(path, known);
        issues.push(`${path}: unknown key${hint ? ` (did you mean "${hint}"?)` : ""}`);
      }
    }
  };
  walk(data as Record<string, unknown>, "");
  return out;
}

function pickLayer<T extends Record<string, Overrides>>(
  table: T,
  name: string,
  what: string,
  issues: Issues,
): Overrides | undefined {
  if (Object.hasOwn(table, name)) return table[name];
  const names = Object.keys(table);
  const hint = closest(name, names);
  issues.push(
    `${what}: must be one of ${names.map((n) => `"${n}"`).join(", ")} (got "${name}")${hint ? `; did you mean "${hint}"?` : ""}`,
  );
  return undefined;
}

export function resolveConfig(opts: ResolveOptions = {}): ResolvedConfig {
  const env = (opts.env ?? getEnv()) as Record<string, string | boolean | number | undefined>;
  const envText = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v === "" ? undefined : String(v);
  };
  const issues: Issues = [];
  const sources = ["defaults"];
  const settings: Settings = { ...DEFAULTS };

  const file = opts.file ?? envText("ORGANIZER_CONFIG");
  const fromFile = file ? readFile(file, issues) : undefined;

  const profile = opts.profile ?? fromFile?.profile ?? DEFAULT_PROFILE;
  const profileValues = pickLayer(PROFILES, profile, "profile", issues);
  if (profileValues) {
    Object.assign(settings, profileValues);
    sources.push(`profile:${profile}`);
  }
  const preset = opts.preset ?? fromFile?.preset;
  if (preset) {
    const presetValues = pickLayer(PRESETS, preset, "preset", issues);
    if (presetValues) {
      Object.assign(settings, presetValues);
      sources.push(`preset:${preset}`);
    }
  }
  if (fromFile && file) {
    Object.assign(settings, fromFile.values);
    sources.push(`file:${file}`);
  }

  for (const def of KEYS) {
    if (!def.env) continue;
    const raw = envText(def.env);
    if (raw === undefined) continue;
    const v = check(def, fromText(def, raw), `${def.env} (${def.path})`, issues);
    if (v !== undefined) {
      setField(settings, def, v);
      sources.push(`env:${def.env}`);
    }
  }

  let flagKey: string | undefined;
  for (const [field, value] of Object.entries(opts.flags ?? {})) {
    if (value === undefined) continue;
    if (field === "apiKey") {
      flagKey = String(value);
      continue;
    }
    const def = KEY_BY_FIELD.get(field as keyof Settings);
    if (!def) {
      issues.push(`flag ${field}: unknown setting`);
      continue;
    }
    const v = check(def, value, `${def.flag ?? field} (${def.path})`, issues);
    if (v !== undefined) {
      setField(settings, def, v);
      sources.push(`flag:${def.flag ?? field}`);
    }
  }

  if (settings.minBrightness >= settings.maxBrightness) {
    issues.push(
      `fast_mode.min_brightness: must be below fast_mode.max_brightness (got ${settings.minBrightness} >= ${settings.maxBrightness})`,
    );
  }

  const provider = resolveProvider(settings, envText, flagKey, issues);
  if (issues.length) throw new ConfigError(issues);
  return {
    ...provider,
    parallelWorkers: settings.parallelWorkers,
    batchSize: settings.batchSize,
    maxRetries: settings.maxRetries,
    timeoutS: settings.timeoutS,
    rateLimitDelayS: settings.rateLimitDelayS,
    batchDelayS: settings.batchDelayS,
    maxRequestsPerMinute: settings.maxRequestsPerMinute,
    maxTokensPerMinute: settings.maxTokensPerMinute,
    maxConcurrentRequests: settings.maxConcurrentRequests,
    adaptiveRateLimiting: settings.adaptiveRateLimiting,
    burstMode: settings.burstMode,
    optimalBatchSize: settings.optimalBatchSize,
    fastTimeoutS: settings.fastTimeoutS,
    enableFastMode: settings.enableFastMode,
    fastMode: {
      minSharpness: settings.minSharpness,
      minBrightness: settings.minBrightness,
      maxBrightness: settings.maxBrightness,
    },
    facesEnabled: settings.facesEnabled,
    profile,
    sources,
  };
}

type ProviderPart = Pick<ResolvedConfig, "provider" | "providerNote" | "model" | "baseUrl" | "apiKey">;

/** ai_provider when set; else `llama` if LLAMA_API_KEY is set; else `local` - and say so. */
function resolveProvider(
  s: Settings,
  envText: (name: string) => string | undefined,
  flagKey: string | undefined,
  issues: Issues,
): ProviderPart {
  const llamaKey = flagKey ?? envText("LLAMA_API_KEY");
  const local: ProviderPart = { provider: "local", model: "local-measurements", baseUrl: "" };
  switch (s.provider) {
    case undefined:
      if (llamaKey) return { provider: "llama", model: s.model ?? DEFAULT_LLAMA_MODEL, baseUrl: s.baseUrl ?? DEFAULT_LLAMA_BASE_URL, apiKey: llamaKey };
      return { ...local, providerNote: "No LLAMA_API_KEY set: photos are measured locally, not analysed by AI." };
    case "local":
      return { ...local, providerNote: 'ai_provider is "local": photos are measured locally, not analysed by AI.' };
    case "llama":
      if (!llamaKey) issues.push('ai_provider: "llama" needs an API key; set LLAMA_API_KEY (or choose "local" to measure photos without AI)');
      return { provider: "llama", model: s.model ?? DEFAULT_LLAMA_MODEL, baseUrl: s.baseUrl ?? DEFAULT_LLAMA_BASE_URL, apiKey: llamaKey };
    case "openai-compatible": {
      if (!s.openaiCompatBaseUrl) {
        issues.push('openai_compatible.base_url: required when ai_provider is "openai-compatible" (or set OPENAI_COMPAT_BASE_URL)');
      }
      if (!s.openaiCompatModel) {
        issues.push('openai_compatible.model: required when ai_provider is "openai-compatible" (or set OPENAI_COMPAT_MODEL)');
      }
      // Local servers such as Ollama need no key, so none is required.
      const apiKey = flagKey ?? envText("OPENAI_COMPAT_API_KEY");
      return {
        provider: "openai-compatible",
        model: s.openaiCompatModel ?? "",
        baseUrl: s.openaiCompatBaseUrl ?? "",
        ...(apiKey ? { apiKey } : {}),
      };
    }
  }
}
