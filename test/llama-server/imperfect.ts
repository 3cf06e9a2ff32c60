// Answers that a real structured-output model gives: valid under the JSON Schema
// the request sent (constrained decoding guarantees that much), yet breaking
// rules only the prompt states - crops past the edge, messy hashtags, lists and
// texts as long as the schema lets them be. Each imperfection is checked with
// ajv against the request's own schema and dropped when the schema forbids it,
// so the server never sends what a real endpoint could not.
import Ajv from "ajv";

export const IMPERFECTION_KINDS = ["cropPastEdge", "hashtags", "categoryCase", "extraFields", "longLists", "longText"] as const;
export type ImperfectionKind = (typeof IMPERFECTION_KINDS)[number];

type Entry = Record<string, unknown>;
type Schema = Record<string, unknown>;
type Validate = (answer: unknown) => boolean;

const r4 = (n: number) => Math.round(n * 10_000) / 10_000;
const clone = <T>(v: T): T => structuredClone(v);

/** The subschema at a path of property names (through `properties` and array `items`), if the schema spells it out. */
function at(schema: unknown, path: readonly string[]): Schema | undefined {
  let node = schema as Schema | undefined;
  for (const key of path) {
    if (!node || typeof node !== "object") return undefined;
    if (node.type === "array" || node.items) node = node.items as Schema | undefined;
    node = (node?.properties as Record<string, Schema> | undefined)?.[key];
  }
  return node;
}

/** Where one photo's entry sits in the answer: { photos: [entry, ...] }. */
const ENTRY = ["photos"];

/** Lengthens a text to `length` characters with plausible filler (what an over-eager model writes). */
function lengthen(text: string, length: number): string {
  const filler = " The scene rewards a closer look, with small details in every part of the frame.";
  let out = text;
  while (out.length < length) out += filler;
  return out.slice(0, length);
}

/**
 * Alternative ways of making one entry imperfect in the given way; each is
 * validated on its own, so a schema that forbids one (say, over-long tags)
 * still lets another through (over-long alt text). A change returns false when
 * it has nothing to change.
 */
function variants(kind: ImperfectionKind, entry: Entry, schema: unknown, rng: () => number): ((e: Entry) => boolean)[] {
  const item = (name: string) => at(schema, [...ENTRY, name]);
  switch (kind) {
    case "cropPastEdge":
      return Object.keys((entry.crops as Record<string, unknown> | undefined) ?? {}).map((ratio) => (e: Entry) => {
        const box = (e.crops as Record<string, { x: number; y: number; width: number; height: number }>)[ratio]!;
        const over = 0.02 + rng() * 0.1;
        if (box.width < 1) box.x = r4(Math.min(1, 1 - box.width + over));
        else if (box.height < 1) box.y = r4(Math.min(1, 1 - box.height + over));
        else box.x = r4(over);
        return true;
      });
    case "hashtags":
      return [
        (e) => {
          const category = String(e.category ?? "photo");
          const first = (e.hashtags as string[] | undefined)?.[0]?.replace(/^#/, "") ?? "daily";
          const messy = [`#${category} photo`, `#${first}-vibes`, `${first} 🌅`, "#", `##${category.toUpperCase()}`, `#${category}`];
          const max = item("hashtags")?.maxItems as number | undefined;
          e.hashtags = messy.slice(0, Math.max(1, Math.min(messy.length, max ?? messy.length)));
          return true;
        },
      ];
    case "categoryCase":
      return [
        (e) => {
          const c = String(e.category ?? "");
          e.category = rng() < 0.5 ? c.toUpperCase() : `${c.charAt(0).toUpperCase()}${c.slice(1)}`;
          return e.category !== c;
        },
      ];
    case "extraFields":
      return [
        (e) => {
          e.mood = "relaxed";
          e.confidence = r4(0.5 + rng() / 2);
          return true;
        },
      ];
    case "longLists":
      return ["tags", "hashtags", "problems"].map((name) => (e: Entry) => {
        const list = e[name] as string[] | undefined;
        if (!Array.isArray(list)) return false;
        const want = (item(name)?.maxItems as number | undefined) ?? 40;
        if (want <= list.length) return false;
        const pool = ((item(name)?.items as Schema | undefined)?.enum as string[] | undefined) ?? undefined;
        const grown = [...list];
        // Repeats are what over-long model lists look like; an enum-only list can only repeat its values.
        for (let i = 0; grown.length < want; i++) grown.push(pool ? pool[i % pool.length]! : name === "hashtags" ? `#more_${i}` : `extra${i}`);
        e[name] = grown;
        return true;
      });
    case "longText":
      // Alt text up to what the schema allows (the prompt asks for ~125 characters); the
      // others twice as long, within the schema: a caption written to its 2,200-character
      // limit would only measure the answer budget, not the repair.
      return ["altText", "description", "caption"].map((name) => (e: Entry) => {
        const text = e[name];
        if (typeof text !== "string") return false;
        const max = (item(name)?.maxLength as number | undefined) ?? Infinity;
        const want = Math.min(max, name === "altText" ? 400 : text.length * 2);
        if (want <= text.length) return false;
        e[name] = lengthen(text, want);
        return true;
      });
  }
}

export interface ImperfectOptions {
  /** Probability 0..1 that an entry of an answer gets imperfections. */
  rate: number;
  kinds: readonly ImperfectionKind[];
}

export interface ShapeResult {
  entries: Entry[];
  /** Entries sent with at least one imperfection. */
  imperfectEntries: number;
  /** Imperfections sent, by kind. */
  applied: Partial<Record<ImperfectionKind, number>>;
  /** Imperfections drawn but not sent because the request's schema forbids them. */
  dropped: number;
  /** The final answer violates the request's schema (must never happen). */
  offSchema: boolean;
}

export class AnswerShaper {
  private readonly ajv = new Ajv({ allErrors: false });
  private readonly validators = new Map<string, Validate | null>();

  constructor(
    private readonly opts: ImperfectOptions,
    private readonly rng: () => number,
  ) {}

  /** A validator for a schema (cached by its text: providers send one per batch size), or null when ajv cannot compile it. */
  validator(schema: unknown): Validate | null {
    const key = JSON.stringify(schema);
    if (this.validators.has(key)) return this.validators.get(key)!;
    let v: Validate | null;
    try {
      const compiled = this.ajv.compile(schema as object);
      v = (answer) => compiled(answer) === true;
    } catch {
      v = null;
    }
    if (this.validators.size > 64) this.validators.clear();
    this.validators.set(key, v);
    return v;
  }

  /**
   * Makes some entries imperfect, each change only if the whole answer stays
   * valid under `schema`. Without a schema nothing is made imperfect (nothing to
   * say what the endpoint would allow) and nothing is checked.
   */
  shape(entries: Entry[], schema: unknown, wrap: (entries: Entry[]) => unknown): ShapeResult {
    const result: ShapeResult = { entries, imperfectEntries: 0, applied: {}, dropped: 0, offSchema: false };
    const validate = schema && typeof schema === "object" ? this.validator(schema) : null;
    if (!validate) return result;
    if (this.opts.rate > 0 && this.opts.kinds.length > 0) {
      // Each candidate is checked against the entry's own schema (an eighth of the
      // work for a batch of 8); the whole answer is checked once at the end.
      const itemSchema = at(schema, ENTRY)?.items;
      const validateItem = itemSchema && typeof itemSchema === "object" ? this.validator(itemSchema) : null;
      const out = [...entries];
      for (let i = 0; i < out.length; i++) {
        if (this.rng() >= this.opts.rate) continue;
        // One to all of the enabled kinds, so kinds also come in combinations.
        const kinds = this.opts.kinds.filter(() => this.rng() < 0.5);
        if (kinds.length === 0) kinds.push(this.opts.kinds[Math.floor(this.rng() * this.opts.kinds.length)]!);
        let changed = false;
        for (const kind of kinds) {
          let sent = false;
          // In random order, up to the first that the schema allows: one change per kind.
          const ways = variants(kind, out[i]!, schema, this.rng).sort(() => this.rng() - 0.5);
          for (const change of ways) {
            if (sent) break;
            const candidate = clone(out[i]!);
            if (!change(candidate)) continue;
            let valid: boolean;
            if (validateItem) valid = validateItem(candidate);
            else {
              const trial = [...out];
              trial[i] = candidate;
              valid = validate(wrap(trial));
            }
            if (valid) {
              out[i] = candidate;
              sent = true;
            } else result.dropped++;
          }
          if (sent) {
            result.applied[kind] = (result.applied[kind] ?? 0) + 1;
            changed = true;
          }
        }
        if (changed) result.imperfectEntries++;
      }
      result.entries = out;
    }
    result.offSchema = !validate(wrap(result.entries));
    return result;
  }
}
