// The --report JSON (documented in docs/cli.md): snake_case, stable keys.
import type { ResolvedConfig } from "@/lib/config";
import { requestSuccessRate, type RunReport } from "@/lib/analysis";
import type { SetFaceSummary } from "@/lib/faces";
import type { FolderIngest } from "./ingest-folder";

export interface CliReport {
  images: number;
  analyzed: number;
  cached: number;
  failed: number;
  skipped: number;
  refused: number;
  requests: number;
  rate_limited: number;
  retries: number;
  timeouts: number;
  /** Photos analysed of photos attempted (analysed or failed), null when none was. */
  success_rate: number | null;
  /** Requests answered well the first time (the guide's request success), null without requests. */
  request_success_rate: number | null;
  tokens_used: number;
  /** Tokens charged per photo analysed by a request, null when none was. */
  tokens_per_photo: number | null;
  /** Photos per answered request. */
  photos_per_request: number | null;
  /** Photos analysed from a repaired answer instead of a retry. */
  answers_repaired: number;
  /** The limit that held the run back: requests, tokens (per minute), capacity or concurrency; null without requests. */
  binding_limit: string | null;
  /** Share 0..1 of that limit used over the run (requests and tokens only). */
  limit_used: number | null;
  elapsed_s: number;
  analysis_elapsed_s: number;
  images_per_s: number;
  requests_per_s: number;
  ceiling_requests_per_s: number;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  /** Peak resident memory of the organizing process (MB). */
  peak_rss_mb: number;
  provider: string;
  model: string;
  profile: string;
  config_sources: string[];
  /** What --output holds: files, albums, duplicate groups, and how many files this run wrote or removed. */
  exported: { files: number; albums: number; duplicate_groups: number; written: number; removed: number } | null;
  /** What the face stage found in the set (null with faces.enabled false): the app's People filter counts. */
  faces: {
    photos: number;
    scanned: number;
    with_people: number;
    people: number;
    groups: number;
    eyes_closed: number;
    unsharp_face: number;
    failed: number;
  } | null;
  last_error: string | null;
  advice: string[];
  refused_files: { file: string; reason: string }[];
}

const r2 = (x: number) => Math.round(x * 100) / 100;
const nullableR4 = (x: number | null) => (x === null ? null : Math.round(x * 10_000) / 10_000);

export function cliReport(a: {
  ingest: FolderIngest;
  report: RunReport;
  elapsedS: number;
  exported?: { files: number; albums: number; duplicateGroups: number; written: number; removed: number };
  config: ResolvedConfig;
  faces?: SetFaceSummary | null;
}): CliReport {
  const { report: r, config: c } = a;
  // Local measurements send nothing: the engine's batches for them are not requests
  // (the summary already said "no requests sent" while the report said 6).
  const local = c.provider === "local";
  return {
    images: r.images,
    analyzed: r.analyzed,
    cached: r.cached,
    failed: r.failed,
    skipped: r.skipped,
    refused: a.ingest.rejected.length,
    requests: local ? 0 : r.requests,
    rate_limited: r.rateLimited,
    retries: r.retries,
    timeouts: r.timeouts,
    success_rate: nullableR4(r.successRate),
    request_success_rate: nullableR4(requestSuccessRate(r.requests, r.failedRequests)),
    tokens_used: r.tokensUsed,
    tokens_per_photo: r.tokensPerPhoto,
    photos_per_request: r.photosPerRequest,
    answers_repaired: r.repaired,
    binding_limit: r.requests > 0 ? r.limit.binding : null,
    limit_used: r.requests > 0 ? nullableR4(r.limit.used) : null,
    elapsed_s: r2(a.elapsedS),
    analysis_elapsed_s: r.elapsedS,
    images_per_s: r.imagesPerS,
    requests_per_s: local ? 0 : r.requestsPerS,
    ceiling_requests_per_s: r.ceilingRps,
    latency_p50_ms: r.latencyP50Ms,
    latency_p95_ms: r.latencyP95Ms,
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    provider: c.provider,
    model: c.model,
    profile: c.profile,
    config_sources: c.sources,
    exported: a.exported
      ? { files: a.exported.files, albums: a.exported.albums, duplicate_groups: a.exported.duplicateGroups, written: a.exported.written, removed: a.exported.removed }
      : null,
    faces: a.faces
      ? {
          photos: a.faces.photos,
          scanned: a.faces.scanned,
          with_people: a.faces.withPeople,
          people: a.faces.people,
          groups: a.faces.groups,
          eyes_closed: a.faces.eyesClosed,
          unsharp_face: a.faces.unsharpFace,
          failed: a.faces.failed,
        }
      : null,
    last_error: r.lastError,
    advice: r.advice,
    refused_files: a.ingest.rejected,
  };
}
