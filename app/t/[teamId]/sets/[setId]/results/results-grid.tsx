"use client";
// Filters and sort are sent to the server, which answers one page; the browser
// never holds more than a page of a 5,000-photo set.
import Link from "next/link";
import { useEffect, useState } from "react";
import { api } from "@/app/_components/api";
import { count } from "@/lib/count";

interface Item {
  id: string;
  originalName: string;
  state: string;
  stateReason: string | null;
  category: string | null;
  instagramScore: number | null;
  qualityScore: number | null;
  duplicateGroupId: string | null;
  edited: boolean;
  hasThumb: boolean;
}
interface Page {
  items: Item[];
  total: number;
  page: number;
  pages: number;
  categories: { category: string; count: number }[];
}

const STATES = ["", "QUEUED", "ANALYZING", "ANALYZED", "SKIPPED", "FAILED", "UPLOADED", "PROCESSING"];

export function ResultsGrid({ teamId, setId, allCategories }: { teamId: string; setId: string; allCategories: string[] }) {
  const [f, setF] = useState({ category: "", tag: "", minScore: "", maxScore: "", state: "", duplicates: false, sort: "instagram" });
  const [page, setPage] = useState(1);
  const [data, setData] = useState<Page | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const q = new URLSearchParams({ page: String(page), pageSize: "60", sort: f.sort });
    if (f.category) q.set("category", f.category);
    if (f.tag) q.set("tag", f.tag);
    if (f.minScore) q.set("minScore", f.minScore);
    if (f.maxScore) q.set("maxScore", f.maxScore);
    if (f.state) q.set("state", f.state);
    if (f.duplicates) q.set("duplicates", "1");
    let live = true;
    // Typing in the tag box should not send a request per key.
    const t = setTimeout(() => {
      api<Page>(`/api/teams/${teamId}/sets/${setId}/analysis/results?${q.toString()}`)
        .then((d) => live && (setData(d), setError(null)))
        .catch((e: Error) => live && setError(e.message));
    }, 200);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [teamId, setId, f, page]);

  const set = (patch: Partial<typeof f>) => {
    setF({ ...f, ...patch });
    setPage(1);
  };
  const present = new Map(data?.categories.map((c) => [c.category, c.count]));

  return (
    <div className="space-y-4">
      <form className="card grid grid-cols-2 gap-3 text-sm sm:grid-cols-4 lg:grid-cols-7" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <label>
          <span className="label">Category</span>
          <select className="input" value={f.category} onChange={(e) => set({ category: e.target.value })} data-testid="filter-category">
            <option value="">All</option>
            {allCategories.map((c) => (
              <option key={c} value={c}>
                {c} {present.has(c) ? `(${present.get(c)})` : ""}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span className="label">Tag</span>
          <input className="input" value={f.tag} onChange={(e) => set({ tag: e.target.value })} placeholder="beach" />
        </label>
        <label>
          <span className="label">Min score</span>
          <input className="input" type="number" min={0} max={10} step={0.5} value={f.minScore} onChange={(e) => set({ minScore: e.target.value })} />
        </label>
        <label>
          <span className="label">Max score</span>
          <input className="input" type="number" min={0} max={10} step={0.5} value={f.maxScore} onChange={(e) => set({ maxScore: e.target.value })} />
        </label>
        <label>
          <span className="label">State</span>
          <select className="input" value={f.state} onChange={(e) => set({ state: e.target.value })}>
            {STATES.map((s) => (
              <option key={s} value={s}>{s ? s.toLowerCase() : "All"}</option>
            ))}
          </select>
        </label>
        <label>
          <span className="label">Sort by</span>
          <select className="input" value={f.sort} onChange={(e) => set({ sort: e.target.value })} data-testid="sort">
            <option value="instagram">Instagram score</option>
            <option value="quality">Quality</option>
            <option value="takenAt">Date taken</option>
            <option value="name">File name</option>
          </select>
        </label>
        <label className="flex items-end gap-2 pb-1.5">
          <input type="checkbox" checked={f.duplicates} onChange={(e) => set({ duplicates: e.target.checked })} />
          <span>Duplicates only</span>
        </label>
      </form>

      {error && <p className="text-sm text-red-700" role="alert">{error}</p>}
      {!data ? (
        <p className="text-neutral-500">Loading…</p>
      ) : data.total === 0 ? (
        <p className="card text-neutral-600">No photos match these filters.</p>
      ) : (
        <>
          <p className="text-sm text-neutral-600" data-testid="results-total">{count(data.total, "photo")}</p>
          <ul className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-6" data-testid="results-grid">
            {data.items.map((p) => (
              <li key={p.id} className="overflow-hidden rounded-md border border-neutral-200 bg-white">
                <Link href={`/t/${teamId}/photos/${p.id}`} className="block">
                  {p.hasThumb ? (
                    <img
                      src={`/api/teams/${teamId}/photos/${p.id}/thumb`}
                      alt={p.originalName}
                      loading="lazy"
                      className="aspect-square w-full bg-neutral-100 object-cover"
                    />
                  ) : (
                    <div className="flex aspect-square w-full items-center justify-center bg-neutral-100 p-2 text-center text-xs text-neutral-500" data-testid="no-thumb">
                      {p.state === "FAILED" ? "could not be read" : "preparing…"}
                    </div>
                  )}
                  <div className="space-y-0.5 p-2 text-xs">
                    <div className="truncate font-medium" title={p.originalName}>{p.originalName}</div>
                    <div className="flex justify-between text-neutral-600">
                      <span>{p.category ?? p.state.toLowerCase()}</span>
                      <span title="Instagram score / quality">
                        {p.instagramScore?.toFixed(1) ?? "—"} / {p.qualityScore?.toFixed(1) ?? "—"}
                      </span>
                    </div>
                    <div className="flex gap-1">
                      {p.duplicateGroupId && <span className="rounded bg-amber-100 px-1 text-amber-800">duplicate</span>}
                      {p.edited && <span className="rounded bg-sky-100 px-1 text-sky-800">edited</span>}
                      {p.state === "FAILED" && <span className="rounded bg-red-100 px-1 text-red-800" title={p.stateReason ?? ""}>failed</span>}
                    </div>
                  </div>
                </Link>
              </li>
            ))}
          </ul>
          <nav className="flex items-center gap-3 text-sm" aria-label="Pages">
            <button className="btn-secondary" disabled={page <= 1} onClick={() => setPage(page - 1)}>Previous</button>
            <span>
              Page {data.page} of {data.pages}
            </span>
            <button className="btn-secondary" disabled={page >= data.pages} onClick={() => setPage(page + 1)}>Next</button>
          </nav>
        </>
      )}
    </div>
  );
}
