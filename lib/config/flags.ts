// Command-line flags for the configuration keys (names from the KEYS table), so
// the CLI can pass raw `--batch-size 8` text and get typed, validated flags.
import { ConfigError, type ConfigFlags } from "./resolve";
import { KEYS, describeAllowed, type KeyDef } from "./keys";

/** Every flag name the configuration understands, e.g. "--batch-size". */
export const CONFIG_FLAGS: readonly string[] = KEYS.flatMap((k) => (k.flag ? [k.flag] : []));

const BY_FLAG = new Map<string, KeyDef>(KEYS.flatMap((k) => (k.flag ? [[k.flag, k] as const] : [])));

/**
 * Turns raw flag values (`{ "batch-size": "8", "burst": true }`, names with or
 * without the leading dashes) into ConfigFlags. Names that are not configuration
 * flags are ignored (the CLI has flags of its own); a value of the wrong type is
 * a ConfigError naming the flag. Range checks happen in resolveConfig.
 */
export function flagsFromArgs(args: Record<string, string | boolean | undefined>): ConfigFlags {
  const flags: Record<string, unknown> = {};
  const issues: string[] = [];
  for (const [rawName, raw] of Object.entries(args)) {
    if (raw === undefined) continue;
    const name = rawName.startsWith("--") ? rawName : `--${rawName}`;
    const def = BY_FLAG.get(name);
    if (!def) continue;
    const kind = def.type.kind;
    if (kind === "bool") {
      if (raw === true || raw === "true" || raw === "1") flags[def.field] = true;
      else if (raw === false || raw === "false" || raw === "0") flags[def.field] = false;
      else issues.push(`${name}: must be ${describeAllowed(def.type)} (got ${JSON.stringify(raw)})`);
    } else if (kind === "int" && def.type.kind === "int" && def.type.auto && raw === "auto") {
      flags[def.field] = "auto";
    } else if (kind === "int" || kind === "number") {
      const n = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : NaN;
      if (Number.isNaN(n)) issues.push(`${name}: must be ${describeAllowed(def.type)} (got ${JSON.stringify(raw)})`);
      else flags[def.field] = n;
    } else if (typeof raw === "string") {
      flags[def.field] = raw;
    } else {
      issues.push(`${name}: needs a value`);
    }
  }
  if (issues.length) throw new ConfigError(issues);
  return flags as ConfigFlags;
}
