// Photos as records: the lifecycle that owns every write of a photo's state.
export * from "./lifecycle";
