// The analysis engine: durable, rate-limited, cached. See engine.ts for the loop
// and scheduler.ts for how requests are paced.
export { runAnalysis, type RunAnalysisOptions } from "./run";
export { startAnalysisWorker, type WorkerOptions } from "./worker";
export { AnalysisEngine, type EngineOptions, type ProgressSnapshot } from "./engine";
export { getSetProgress, getRunStats, analysisForPhoto, analysesForPhotos, type AnalysisProgress, type StateCounts } from "./progress";
export { requestSuccessRate, type RunReport, type RunCounters } from "./stats";
export { createSharedBudget, sharedBucketParams, type SharedBudget } from "./shared-budget";
