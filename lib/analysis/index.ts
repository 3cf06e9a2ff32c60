// The analysis engine: durable, rate-limited, cached. See engine.ts for the loop
// and scheduler.ts for how requests are paced.
export { runAnalysis } from "./run";
export { startAnalysisWorker } from "./worker";
export { getSetProgress, type AnalysisProgress, type StateCounts } from "./progress";
export { requestSuccessRate, type RunReport } from "./stats";
export { createSharedBudget, sharedBucketParams } from "./shared-budget";
