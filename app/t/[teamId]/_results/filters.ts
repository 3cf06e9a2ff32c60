// The results grid's filters as the page URL holds them (?q=beach&category=food&page=2),
// so Back, a reload or a shared link bring the same view. Empty and default
// values stay out of the URL.
export interface Filters {
  q: string;
  category: string;
  tag: string;
  minScore: string;
  maxScore: string;
  state: string;
  duplicates: string;
  flag: string;
  minRating: string;
  /** Faces found on the machine: with, without, groups (3+), problems. */
  people: string;
  sort: string;
  page: string;
}

export const DEFAULT_FILTERS: Filters = {
  q: "",
  category: "",
  tag: "",
  minScore: "",
  maxScore: "",
  state: "",
  duplicates: "",
  flag: "",
  minRating: "",
  people: "",
  sort: "",
  page: "1",
};

const KEYS = Object.keys(DEFAULT_FILTERS) as (keyof Filters)[];

export function filtersFrom(params: Record<string, string | string[] | undefined>): Filters {
  const f = { ...DEFAULT_FILTERS };
  for (const k of KEYS) {
    const v = params[k];
    if (typeof v === "string") f[k] = v.slice(0, 200);
  }
  return f;
}

/** Query string of the non-default filters (the page URL and the API call share it). */
export function filtersQuery(f: Filters): URLSearchParams {
  const q = new URLSearchParams();
  for (const k of KEYS) if (f[k] && f[k] !== DEFAULT_FILTERS[k]) q.set(k, f[k]);
  return q;
}

/** The sort the server applies: relevance when searching, else the Instagram score. */
export function effectiveSort(f: Filters): string {
  return f.sort || (f.q ? "relevance" : "instagram");
}
