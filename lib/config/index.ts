// Configuration: the guide's JSON keys, profiles and presets, resolved in layers.
export { resolveConfig, ConfigError, type ConfigFlags, type ResolveOptions } from "./resolve";
export { flagsFromArgs, CONFIG_FLAGS } from "./flags";
export { adviceFor, type RunStatsForAdvice } from "./advice";
export { PROFILES, PRESETS, DEFAULTS, DEFAULT_PROFILE, DEFAULT_LLAMA_MODEL, DEFAULT_LLAMA_BASE_URL } from "./profiles";
export type { ProfileName, PresetName } from "./profiles";
export { KEYS, PROVIDER_NAMES, describeAllowed, type ResolvedConfig, type ProviderName, type KeyDef } from "./keys";
