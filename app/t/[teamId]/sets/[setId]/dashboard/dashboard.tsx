"use client";
// Polls the progress endpoint about once a second (the next poll starts only
// after the previous answer, so a slow server is never flooded) and offers
// start / pause / resume / cancel and retries.
import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "@/app/_components/api";
import type { Jsonified } from "@/lib/json";
import type { DashboardProgress } from "@/lib/runs";

type Progress = Jsonified<DashboardProgress>;

const POLL_MS = 1000;
const STATES = ["UPLOADED", "PROCESSING", "QUEUED", "ANALYZING", "ANALYZED", "SKIPPED", "FAILED"] as const;
const STATE_LABEL: Record<(typeof STATES)[number], string> = {
  UPLOADED: "uploaded",
  PROCESSING: "processing",
  QUEUED: "queued",
  ANALYZING: "analysing",
  ANALYZED: "analysed",
  SKIPPED: "skipped",
  FAILED: "failed",
};

export function formatEta(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return "—";
  if (s < 1) return "< 1s";
  const m = Math.floor(s / 60);
  const sec = Math.round(s % 60);
  if (m >= 60) return `${Math.floor(m / 60)}h ${m % 60}m`;
  return m ? `${m}m ${sec}s` : `${sec}s`;
}

const pct = (v: number | null | undefined) => (v === null || v === undefined ? "—" : `${Math.round(v * 100)}%`);

export function Dashboard({ teamId, setId, canEdit }: { teamId: string; setId: string; canEdit: boolean }) {
  const url = `/api/teams/${teamId}/sets/${setId}/analysis`;
  const [p, setP] = useState<Progress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const stopped = useRef(false);

  const load = useCallback(async () => {
    try {
      setP(await api<Progress>(url));
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [url]);

  useEffect(() => {
    stopped.current = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      await load();
      if (!stopped.current) timer = setTimeout(() => void tick(), POLL_MS);
    };
    void tick();
    return () => {
      stopped.current = true;
      if (timer) clearTimeout(timer);
    };
  }, [load]);

  async function act(action: string) {
    setBusy(true);
    try {
      await api(url, { body: { action } });
      await load();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  if (!p) return <p className="text-neutral-500">{error ?? "Loading progress…"}</p>;
  const r = p.run;
  // Work is waiting or in flight (the engine also takes queued photos of IDLE sets).
  const pending = p.counts.QUEUED + p.counts.ANALYZING + p.counts.UPLOADED + p.counts.PROCESSING > 0;
  // Buttons, badge and run panel read the same facts: a RUNNING set with
  // nothing left is done (no Pause, no Cancel), and a finished run while
  // photos wait means the next one is about to start.
  const halted = p.status === "PAUSED" || p.status === "CANCELLED";
  const unreadable = p.counts.FAILED - p.retryableFailed;
  const runLabel = !r ? "" : p.status === "PAUSED" && r.status === "RUNNING" ? "paused" : pending && !halted && r.status !== "RUNNING" ? "starting" : r.status.toLowerCase();
  return (
    <div className="space-y-4" data-testid="dashboard">
      {p.provider.message && (
        <p className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" role="status" data-testid="local-only">
          {p.provider.message}
        </p>
      )}
      {error && <p className="text-sm text-red-700" role="alert">{error}</p>}

      <section className="card space-y-3">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 className="text-lg font-semibold">
            Progress <span className="text-neutral-500" data-testid="progress-percent">{p.percent}%</span>
          </h2>
          <span className="rounded bg-neutral-100 px-2 py-0.5 text-xs uppercase tracking-wide" data-testid="set-status" data-status={p.status}>
            {p.activity}
          </span>
        </div>
        <div
          className="h-3 w-full overflow-hidden rounded-full bg-neutral-200"
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={p.percent}
          aria-label="Analysis progress"
        >
          <div className="h-full bg-brand-500 transition-[width] duration-500" style={{ width: `${p.percent}%` }} />
        </div>
        <p className="text-sm text-neutral-600" data-testid="progress-done">
          {p.done} of {p.total} photos done
        </p>
        <ul className="flex flex-wrap gap-2 text-xs" data-testid="state-counts">
          {STATES.map((s) => (
            <li key={s} className="rounded-full border border-neutral-200 px-2 py-0.5" data-state={s}>
              {STATE_LABEL[s]} <strong>{p.counts[s]}</strong>
            </li>
          ))}
        </ul>
        {canEdit && (
          <div className="flex flex-wrap gap-2">
            {p.status === "PAUSED" && (
              <button className="btn" disabled={busy} onClick={() => void act("resume")}>Resume</button>
            )}
            {pending && !halted && (
              <button className="btn-secondary" disabled={busy} onClick={() => void act("pause")}>Pause</button>
            )}
            {p.status === "CANCELLED" && (
              <button className="btn" disabled={busy} onClick={() => void act("start")}>Start again</button>
            )}
            {(p.status === "PAUSED" || (pending && !halted)) && (
              <button className="btn-danger" disabled={busy} onClick={() => void act("cancel")}>Cancel</button>
            )}
            {p.retryableFailed > 0 && (
              <button className="btn-secondary" disabled={busy} onClick={() => void act("retry-failed")}>
                Retry {p.retryableFailed} failed
              </button>
            )}
            {p.counts.SKIPPED > 0 && (
              <button className="btn-secondary" disabled={busy} onClick={() => void act("analyse-skipped")}>
                Analyse {p.counts.SKIPPED} skipped anyway
              </button>
            )}
          </div>
        )}
        {unreadable > 0 && (
          <p className="text-sm text-neutral-600" data-testid="unreadable-note">
            {unreadable === 1 ? "1 file" : `${unreadable} files`} could not be read (truncated, corrupt or too large); retrying cannot help - upload a good copy instead.
          </p>
        )}
      </section>

      <section className="card">
        <h2 className="mb-2 text-lg font-semibold">Analysis run</h2>
        {!r ? (
          <p className="text-sm text-neutral-600">No analysis run yet for this set.</p>
        ) : (
          <dl className="grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-4" data-testid="run-stats">
            <Stat label="Speed" value={`${r.imagesPerS.toFixed(1)} images/s`} />
            <Stat label="Time left" value={r.status === "RUNNING" ? formatEta(r.etaS) : "—"} />
            <Stat label="Run" value={runLabel} />
            {r.provider === "local" ? (
              // Local measurements send no requests: there is no budget, rate limit or token count to show.
              <Stat label="Analysis" value="measured locally, no requests" />
            ) : (
              <>
                <Stat label="Success rate" value={pct(r.successRate)} hint="Photos analysed of the photos sent for analysis" />
                <Stat label="Request success" value={pct(r.requestSuccessRate)} hint="Requests answered well the first time (429s, timeouts and bad answers count against it even when a retry saved the photo); the guide recommends keeping it above 95%" />
                <Stat label="Bound by" value={boundBy(r.bindingLimit, r.limitUsed)} hint="The limit that holds the run back, and how much of it the run uses" />
                <Stat label="Budget used" value={pct(r.budgetUsed)} hint={`${(r.requestsPerS * 60).toFixed(0)} of ${r.ceilingRpm ?? "?"} requests/min allowed`} />
                <Stat label="Concurrency" value={`${r.concurrency} / ${r.concurrencyLimit}`} />
                <Stat label="Rate limit" value={r.backingOff ? "backing off" : "ok"} emphasis={r.backingOff} />
                <Stat label="429 answers" value={String(r.rateLimited)} />
                <Stat label="Requests" value={String(r.requests)} />
                <Stat label="Retries / timeouts" value={`${r.retries} / ${r.timeouts}`} />
                <Stat label="Latency p50 / p95" value={`${r.latencyP50Ms ?? "—"} / ${r.latencyP95Ms ?? "—"} ms`} />
                <Stat label="Tokens" value={`${r.tokensUsed.toLocaleString("en")}${r.tokensPerPhoto ? ` (${r.tokensPerPhoto.toLocaleString("en")} a photo)` : ""}`} />
                <Stat label="Answers repaired" value={String(r.repaired)} hint="Answers the model got slightly wrong (a crop past the edge, a hashtag with spaces) that were fixed instead of asked again" />
              </>
            )}
            <Stat label="Model" value={`${r.provider} · ${r.model}`} />
          </dl>
        )}
        {r?.lastError && <p className="mt-3 text-sm text-red-700">Last error: {r.lastError}</p>}
        {r?.advice && <p className="mt-2 whitespace-pre-line text-sm text-neutral-700">{r.advice}</p>}
      </section>
    </div>
  );
}

const LIMIT_NAMES: Record<string, string> = {
  requests: "requests/min",
  tokens: "tokens/min",
  capacity: "provider capacity",
  concurrency: "max concurrent requests",
};

/** "tokens/min: 97% used", or the limit alone when no share applies. */
function boundBy(binding: string | null, used: number | null): string {
  if (!binding) return "—";
  const name = LIMIT_NAMES[binding] ?? binding;
  return used === null ? name : `${name}: ${pct(used)} used`;
}

function Stat({ label, value, hint, emphasis }: { label: string; value: string; hint?: string; emphasis?: boolean }) {
  return (
    <div>
      <dt className="text-neutral-500">{label}</dt>
      <dd className={emphasis ? "font-semibold text-amber-700" : "font-medium"} title={hint}>
        {value}
      </dd>
    </div>
  );
}
