// lib/runs: a set's analysis runs as a person drives them - start, pause,
// resume, cancel (run-control.ts); put photos back in the queue: retry failed,
// analyse skipped, re-run, re-analyse one photo (requeue.ts, run-control.ts);
// and what the dashboard polls: progress, the live run, who analyses
// (dashboard.ts, provider-status.ts). The engine that does the work is
// lib/analysis; the state writes are lib/photos/lifecycle.ts.
export { setRunStatus, reanalysePhoto } from "./run-control";
export { requeueSkipped, requeueFailed, requeueForRerun } from "./requeue";
export { dashboardProgress, forgetDashboardProgress, type DashboardProgress } from "./dashboard";
