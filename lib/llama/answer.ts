// Reads the model's text for a batch into one outcome per photo: finds the
// JSON (also in a ```json fence, after a sentence, before trailing text),
// keeps every complete entry of an answer that was cut off, matches entries
// to photos, and hands each entry to the repair step. A photo fails only when
// its own entry is missing or unusable; the engine retries it alone.
import { JSONParser } from "@streamparser/json";
import { ProviderError } from "./errors";
import { repairEntry } from "./repair";
import type { PhotoInput, PhotoOutcome } from "./provider";

interface Entries {
  entries: unknown[];
  /** The JSON ended before its closing brace: the entries are a prefix of the answer. */
  cutOff: boolean;
}

const fenceOpen = /^```(?:json)?\s*/i;
const fenceClose = /\s*```\s*$/;

function photosOf(data: unknown): unknown[] {
  const photos = (data as { photos?: unknown } | null)?.photos;
  if (!Array.isArray(photos)) throw new ProviderError("invalid_answer", 'The model\'s answer has no "photos" array.');
  return photos;
}

/**
 * The entries of `{"photos": [...]}`. A whole JSON text is parsed as it is;
 * otherwise a streaming parser reads it from its first '{' and keeps each
 * entry it completes, so a cut-off answer or one with text after its JSON
 * loses only what is really missing. Throws invalid_answer when not one
 * entry can be read, unless the answer was stopped at the token limit.
 */
function readEntries(text: string, stopLength: boolean): Entries {
  const body = text.trim().replace(fenceOpen, "").replace(fenceClose, "");
  try {
    return { entries: photosOf(JSON.parse(body)), cutOff: false };
  } catch (err) {
    if (err instanceof ProviderError) throw err;
  }
  const start = body.indexOf("{");
  const entries: unknown[] = [];
  let ended = false;
  if (start >= 0) {
    // keepStack false: an entry is handed over and then forgotten, so a long answer is not held twice.
    const parser = new JSONParser({ paths: ["$.photos.*"], keepStack: false });
    parser.onValue = ({ value }) => {
      entries.push(value);
    };
    parser.onEnd = () => {
      ended = true;
    };
    // Text after the root object, or a cut inside a token, stops the parse; what was read stays.
    parser.onError = () => undefined;
    try {
      parser.write(body.slice(start));
    } catch {
      // Same as onError.
    }
    ended ||= parser.isEnded;
  }
  // Stopped at the token limit before one entry was complete: the batch was too big for the
  // answer budget, so each photo fails on its own and is retried alone (the same batch would be cut again).
  if (entries.length === 0 && stopLength && !ended) return { entries, cutOff: true };
  if (entries.length === 0) {
    throw new ProviderError(
      "invalid_answer",
      ended ? 'The model\'s answer has no "photos" entries.' : `The model's answer is not valid JSON (${text.trim().length} characters).`,
    );
  }
  return { entries, cutOff: !ended };
}

function indexOf(entry: unknown): number | undefined {
  const raw = (entry as { index?: unknown } | null)?.index;
  const n = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
  return typeof n === "number" && Number.isInteger(n) ? n : undefined;
}

/**
 * Which entries answer which photo. By index when the indexes are distinct
 * and within the batch. When they are not (missing, repeated, out of range)
 * and the answer has exactly one entry per photo - or is a cut-off prefix of
 * such an answer - by order, noted on each photo whose entry was moved.
 */
function assign(entries: unknown[], count: number, cutOff: boolean) {
  const byPhoto: unknown[][] = Array.from({ length: count }, () => []);
  const notes: string[][] = Array.from({ length: count }, () => []);
  const indexes = entries.map(indexOf);
  const valid = indexes.every((i) => i !== undefined && i >= 1 && i <= count) && new Set(indexes).size === indexes.length;
  if (!valid && (entries.length === count || (cutOff && entries.length < count))) {
    entries.forEach((entry, i) => {
      byPhoto[i]!.push(entry);
      if (indexes[i] !== i + 1) {
        const had = indexes[i] === undefined ? "it had no index" : `its index was ${String(indexes[i])}`;
        notes[i]!.push(`matched to photo ${i + 1} by order (${had})`);
      }
    });
    return { byPhoto, notes };
  }
  entries.forEach((entry, i) => {
    const index = indexes[i];
    if (index !== undefined && index >= 1 && index <= count) byPhoto[index - 1]!.push(entry);
  });
  return { byPhoto, notes };
}

/**
 * Turns the model's text into one outcome per photo, in input order. Throws
 * ProviderError("invalid_answer") only when no entry at all can be read and
 * the provider did not stop at its token limit (the whole request is
 * retried). `stopLength` says it did: the photos cut off fail one by one,
 * with the stop reason in their error.
 */
export function parseBatchAnswer(text: string, batch: readonly PhotoInput[], opts: { stopLength?: boolean } = {}): PhotoOutcome[] {
  const { entries, cutOff } = readEntries(text, opts.stopLength === true);
  const { byPhoto, notes } = assign(entries, batch.length, cutOff);
  const of = `of ${batch.length}`;
  return batch.map((photo, i): PhotoOutcome => {
    const mine = byPhoto[i]!;
    if (mine.length === 0) {
      const error = cutOff
        ? `The model's answer was cut off${opts.stopLength ? ' (stop reason "length")' : ""} before its entry for photo ${i + 1} ${of}.`
        : `The model gave no answer for photo ${i + 1} ${of}.`;
      return { photoId: photo.id, ok: false, error };
    }
    if (mine.length > 1) {
      return { photoId: photo.id, ok: false, error: `The model answered photo ${i + 1} ${of} ${mine.length} times.` };
    }
    const r = repairEntry(mine[0], { width: photo.width, height: photo.height });
    if (!r.ok) return { photoId: photo.id, ok: false, error: `Unusable answer for photo ${i + 1} ${of}: ${r.error}.` };
    const repairs = [...notes[i]!, ...r.repairs];
    return { photoId: photo.id, ok: true, analysis: { source: "ai", ...r.analysis, repairs }, repairs };
  });
}
