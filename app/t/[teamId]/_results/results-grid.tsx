"use client";
// A set's results, or search across the team's sets: filters and sort go to
// the server, which answers one page (the browser never holds more than a page
// of a 5,000-photo set), and live in the page URL so Back and reload keep them:
// each choice is a history entry (Back undoes it, also after visiting a photo),
// typing in a text box replaces its own entry instead of adding one per key.
// Photos are selected by click, shift-click (a range) or "Select all" (every
// photo the filters match, from the server); keyboard: Space / Shift+Space on a
// photo, arrows between photos, Enter opens the culling viewer, Ctrl+A selects
// all, Esc clears.
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "@/app/_components/api";
import { count } from "@/lib/count";
import type { Jsonified } from "@/lib/json";
import type { PhotoListItem, PhotoPage } from "@/lib/organize";
import { BulkBar } from "./bulk-bar";
import { CullViewer } from "./cull-viewer";
import { DEFAULT_FILTERS, effectiveSort, filtersFrom, filtersQuery, type Filters } from "./filters";

type Item = Jsonified<PhotoListItem>;
/** A set's results also carry its categories with their counts (not the Search page's). */
type Page = Jsonified<PhotoPage> & { categories?: { category: string; count: number }[] };

/** Filters typed into (one history entry per burst of typing, not per key). */
const TYPED: (keyof Filters)[] = ["q", "tag", "minScore", "maxScore"];

const STATES = ["", "QUEUED", "ANALYZING", "ANALYZED", "SKIPPED", "FAILED", "UPLOADED", "PROCESSING"];
const PAGE_SIZE = 60;

export function ResultsGrid({
  teamId,
  setId,
  allCategories,
  canEdit,
}: {
  teamId: string;
  /** null: search every set of the team. */
  setId: string | null;
  allCategories: string[];
  canEdit: boolean;
}) {
  // Read from the URL when mounted: coming Back from a photo shows the filters
  // that were last chosen, not the ones the page was first loaded with.
  const searchParams = useSearchParams();
  const [f, setF] = useState<Filters>(() => filtersFrom(Object.fromEntries(searchParams.entries())));
  const lastTyped = useRef<keyof Filters | null>(null);
  const [data, setData] = useState<Page | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [anchor, setAnchor] = useState<number | null>(null);
  const [cull, setCull] = useState<number | null>(null);
  // The viewer walked past the page's last photo: open it on the next page once loaded.
  const cullAfterLoad = useRef(false);
  const grid = useRef<HTMLUListElement>(null);
  const base = setId ? `/api/teams/${teamId}/sets/${setId}/analysis/results` : `/api/teams/${teamId}/photos`;
  const page = Number(f.page) || 1;

  const apiQuery = useCallback(() => {
    const q = filtersQuery(f);
    q.set("sort", effectiveSort(f));
    q.set("pageSize", String(PAGE_SIZE));
    return q;
  }, [f]);

  /** New filters, written to the URL: a new history entry, or the current one while typing in the same box. */
  const apply = (next: Filters, typed: keyof Filters | null = null) => {
    const replace = typed !== null && typed === lastTyped.current;
    lastTyped.current = typed;
    setF(next);
    const qs = filtersQuery(next).toString();
    const url = `${window.location.pathname}${qs ? `?${qs}` : ""}`;
    if (url === `${window.location.pathname}${window.location.search}`) return;
    // Next's router keeps its own state in these entries (its pushState integration).
    if (replace) window.history.replaceState(null, "", url);
    else window.history.pushState(null, "", url);
  };

  useEffect(() => {
    // Back and Forward between this page's own entries: show the filters of the entry.
    const onPop = () => {
      lastTyped.current = null;
      setF(filtersFrom(Object.fromEntries(new URLSearchParams(window.location.search).entries())));
    };
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, []);

  useEffect(() => {
    let live = true;
    // Typing in the search or tag box should not send a request per key.
    const t = setTimeout(() => {
      api<Page>(`${base}?${apiQuery().toString()}`)
        .then((d) => {
          if (!live) return;
          setData(d);
          setError(null);
          if (cullAfterLoad.current) {
            cullAfterLoad.current = false;
            setCull(d.items.length ? 0 : null);
          }
        })
        .catch((e: Error) => live && setError(e.message));
    }, 200);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [base, f, apiQuery, reload]);

  const set = (patch: Partial<Filters>) => {
    const keys = Object.keys(patch) as (keyof Filters)[];
    apply({ ...f, ...patch, page: "1" }, keys.length === 1 && TYPED.includes(keys[0]!) ? keys[0]! : null);
    setAnchor(null);
  };
  const present = new Map(data?.categories?.map((c) => [c.category, c.count]));
  const items = data?.items ?? [];

  const toggle = (index: number, range: boolean) => {
    const item = items[index];
    if (!item) return;
    const next = new Set(selected);
    const on = !selected.has(item.id);
    const [from, to] = range && anchor !== null ? (anchor < index ? [anchor, index] : [index, anchor]) : [index, index];
    for (const it of items.slice(from, to + 1)) {
      if (on) next.add(it.id);
      else next.delete(it.id);
    }
    setSelected(next);
    setAnchor(index);
  };

  const selectAll = async () => {
    try {
      const q = apiQuery();
      q.set("select", "ids");
      const { ids } = await api<{ ids: string[] }>(`${base}?${q.toString()}`);
      setSelected(new Set(ids));
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const focusTile = (index: number) => {
    const boxes = grid.current?.querySelectorAll<HTMLInputElement>('input[type="checkbox"]');
    boxes?.[Math.max(0, Math.min(index, boxes.length - 1))]?.focus();
  };

  const onTileKey = (e: React.KeyboardEvent, index: number) => {
    const cols = grid.current ? Math.max(1, Math.round(grid.current.clientWidth / ((grid.current.firstElementChild as HTMLElement | null)?.offsetWidth || 1))) : 1;
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: cols, ArrowUp: -cols };
    if (e.key === " ") {
      e.preventDefault();
      toggle(index, e.shiftKey);
    } else if (e.key === "Enter") {
      e.preventDefault();
      setCull(index);
    } else if (e.key in moves) {
      e.preventDefault();
      focusTile(index + moves[e.key]!);
    }
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (cull !== null) return;
      const inField = e.target instanceof HTMLElement && /^(INPUT|SELECT|TEXTAREA)$/.test(e.target.tagName) && !(e.target instanceof HTMLInputElement && e.target.type === "checkbox");
      if (inField) return;
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "a") {
        e.preventDefault();
        void selectAll();
      } else if (e.key === "Escape" && selected.size) {
        setSelected(new Set());
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  const patchItem = useCallback((id: string, patch: Partial<Item>) => {
    setData((d) => (d ? { ...d, items: d.items.map((it) => (it.id === id ? { ...it, ...patch } : it)) } : d));
  }, []);

  return (
    <div className="space-y-4">
      <form className="card grid grid-cols-[repeat(auto-fill,minmax(14rem,1fr))] gap-3 text-sm" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <label className="sm:col-span-2">
          <span className="label">{setId ? "Search this set" : "Search every set"}</span>
          <input className="input" type="search" value={f.q} onChange={(e) => set({ q: e.target.value })} placeholder="beach sunset, “golden hour”, -dog" data-testid="search-input" />
        </label>
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
          <span className="label">Pick / reject</span>
          <select className="input" value={f.flag} onChange={(e) => set({ flag: e.target.value })} data-testid="filter-flag">
            <option value="">All</option>
            <option value="picked">Picked</option>
            <option value="rejected">Rejected</option>
            <option value="unflagged">Not decided</option>
          </select>
        </label>
        <label>
          <span className="label">Stars</span>
          <select className="input" value={f.minRating} onChange={(e) => set({ minRating: e.target.value })} data-testid="filter-rating">
            <option value="">Any</option>
            {[1, 2, 3, 4, 5].map((n) => (
              <option key={n} value={String(n)}>{"★".repeat(n)}{n < 5 ? " or more" : ""}</option>
            ))}
          </select>
        </label>
        <label>
          <span className="label">People</span>
          <select className="input" value={f.people} onChange={(e) => set({ people: e.target.value })} data-testid="filter-people">
            <option value="">All</option>
            <option value="with">With people</option>
            <option value="without">Without people</option>
            <option value="groups">Groups (3+)</option>
            <option value="problems">Eyes closed / soft face</option>
          </select>
        </label>
        <label>
          <span className="label">Sort by</span>
          <select className="input" value={effectiveSort(f)} onChange={(e) => set({ sort: e.target.value })} data-testid="sort">
            {f.q && <option value="relevance">Best match</option>}
            <option value="instagram">Instagram score</option>
            <option value="quality">Quality</option>
            <option value="rating">Stars</option>
            <option value="takenAt">Date taken</option>
            <option value="name">File name</option>
          </select>
        </label>
        <label className="flex items-end gap-2 pb-1.5">
          <input type="checkbox" checked={f.duplicates === "1"} onChange={(e) => set({ duplicates: e.target.checked ? "1" : "" })} />
          <span>Duplicates only</span>
        </label>
        {JSON.stringify({ ...f, page: "1" }) !== JSON.stringify(DEFAULT_FILTERS) && (
          <button type="button" className="btn-secondary self-end whitespace-nowrap" onClick={() => set(DEFAULT_FILTERS)}>Clear filters</button>
        )}
      </form>

      {error && <p className="text-sm text-red-700" role="alert">{error}</p>}
      {!data ? (
        <p className="text-neutral-500">Loading…</p>
      ) : data.total === 0 ? (
        <p className="card text-neutral-600" data-testid="results-empty">
          {f.q ? `No photo matches “${f.q}”${setId ? " in this set" : ""} with these filters. Words are looked for in descriptions, tags, captions, categories and file names.` : "No photos match these filters."}
        </p>
      ) : (
        <>
          <div className="flex flex-wrap items-center gap-3 text-sm text-neutral-600">
            <span data-testid="results-total">
              {count(data.total, "photo")}
              {data.capped && " (the best matches; narrow the search to see others)"}
            </span>
            <button className="btn-secondary whitespace-nowrap" onClick={() => void selectAll()} data-testid="select-all">
              Select all {count(data.total, "photo")}
            </button>
            <button className="btn-secondary whitespace-nowrap" onClick={() => setCull(0)} data-testid="start-cull">
              Cull (full screen)
            </button>
            <span className="hidden text-xs text-neutral-500 md:inline">Click or Space selects, Shift extends, Enter opens full screen</span>
          </div>
          <ul ref={grid} className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-6" data-testid="results-grid">
            {data.items.map((p, i) => {
              const on = selected.has(p.id);
              return (
                <li
                  key={p.id}
                  data-photo-id={p.id}
                  data-selected={on ? "true" : "false"}
                  className={`relative overflow-hidden rounded-md border bg-white ${on ? "border-brand-500 ring-2 ring-brand-500" : "border-neutral-200"}`}
                >
                  <input
                    type="checkbox"
                    className="absolute left-2 top-2 z-10 h-5 w-5 accent-brand-500"
                    aria-label={`Select ${p.originalName}`}
                    checked={on}
                    onChange={() => undefined}
                    onClick={(e) => toggle(i, e.shiftKey)}
                    onKeyDown={(e) => onTileKey(e, i)}
                  />
                  <Link href={`/t/${teamId}/photos/${p.id}`} className="block">
                    {p.hasThumb ? (
                      <img src={`/api/teams/${teamId}/photos/${p.id}/thumb`} alt={p.originalName} loading="lazy" className="aspect-square w-full bg-neutral-100 object-cover" />
                    ) : (
                      <div className="flex aspect-square w-full items-center justify-center bg-neutral-100 p-2 text-center text-xs text-neutral-500" data-testid="no-thumb">
                        {p.state === "FAILED" ? "could not be read" : "preparing…"}
                      </div>
                    )}
                    <div className="space-y-0.5 p-2 text-xs">
                      <div className="truncate font-medium" title={p.originalName}>{p.originalName}</div>
                      {!setId && <div className="truncate text-neutral-500" data-testid="result-set">in {p.setName}</div>}
                      <div className="flex justify-between text-neutral-600">
                        <span>{p.category ?? p.state.toLowerCase()}</span>
                        <span title="Instagram score / quality">
                          {p.instagramScore?.toFixed(1) ?? "—"} / {p.qualityScore?.toFixed(1) ?? "—"}
                        </span>
                      </div>
                      <div className="flex flex-wrap gap-1">
                        {p.rating ? <span className="text-amber-600" data-testid="tile-rating" aria-label={`${p.rating} stars`}>{"★".repeat(p.rating)}</span> : null}
                        {p.flag === "PICK" && <span className="rounded bg-green-100 px-1 text-green-800" data-testid="tile-flag">picked</span>}
                        {p.flag === "REJECT" && <span className="rounded bg-neutral-200 px-1 text-neutral-700" data-testid="tile-flag">rejected</span>}
                        {p.duplicateGroupId && <span className="rounded bg-amber-100 px-1 text-amber-800">duplicate</span>}
                        {p.edited && <span className="rounded bg-sky-100 px-1 text-sky-800">edited</span>}
                        {p.faceCount ? (
                          <span className="rounded bg-violet-100 px-1 text-violet-800" data-testid="tile-faces" title="Faces found on this photo">
                            {p.faceCount === 1 ? "1 person" : `${p.faceCount} people`}
                          </span>
                        ) : null}
                        {p.faceProblems.length > 0 && (
                          <span className="rounded bg-orange-100 px-1 text-orange-800" data-testid="tile-face-warning" title={p.faceProblems.join("; ")}>
                            ⚠ {p.faceProblems.join("; ")}
                          </span>
                        )}
                        {p.state === "FAILED" && <span className="rounded bg-red-100 px-1 text-red-800" title={p.stateReason ?? ""}>failed</span>}
                      </div>
                    </div>
                  </Link>
                </li>
              );
            })}
          </ul>
          <nav className="flex items-center gap-3 text-sm" aria-label="Pages">
            <button className="btn-secondary" disabled={page <= 1} onClick={() => apply({ ...f, page: String(page - 1) })}>Previous</button>
            <span>
              Page {data.page} of {data.pages}
            </span>
            <button className="btn-secondary" disabled={page >= data.pages} onClick={() => apply({ ...f, page: String(page + 1) })}>Next</button>
          </nav>
        </>
      )}
      {selected.size > 0 && (
        <BulkBar
          teamId={teamId}
          setId={setId}
          selected={[...selected]}
          canEdit={canEdit}
          onDone={(keep) => {
            if (!keep) setSelected(new Set());
            setReload((n) => n + 1);
          }}
          onClear={() => setSelected(new Set())}
        />
      )}
      {cull !== null && data && (
        <CullViewer
          key={`${data.page}:${cull}`}
          teamId={teamId}
          items={data.items}
          start={cull}
          canEdit={canEdit}
          hasNextPage={page < data.pages}
          onChange={patchItem}
          onNextPage={() => {
            cullAfterLoad.current = true;
            apply({ ...f, page: String(page + 1) });
          }}
          onClose={(at) => {
            setCull(null);
            setReload((n) => n + 1);
            requestAnimationFrame(() => focusTile(at));
          }}
        />
      )}
    </div>
  );
}
