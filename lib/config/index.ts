// Configuration: the guide's JSON keys, profiles and presets, resolved in layers.
export { resolveConfig, ConfigError, type ConfigFlags } from "./resolve";
export { flagsFromArgs, CONFIG_FLAGS } from "./flags";
export { adviceFor } from "./advice";
export { PROFILES, PRESETS } from "./profiles";
export { KEYS, type ResolvedConfig } from "./keys";
