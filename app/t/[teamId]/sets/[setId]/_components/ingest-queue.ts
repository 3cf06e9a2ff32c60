// The browser side of uploading thousands of photos: a bounded pool of slots;
// each slot hashes one file (SHA-256 with crypto.subtle, only just before its
// turn, so at most SLOTS files are in memory), asks the server whether the set
// already holds that content, and only then sends the bytes (XHR, for upload
// progress). A refresh loses nothing: re-dropping the folder skips what is there.
// Two files of one drop with the same content are told apart here, by hash,
// whatever order the uploads finish in: the second is a duplicate of the first,
// not sent again, but its name is given to the server once the first is there
// (both names are kept). Hidden files (".DS_Store", "._IMG_1.jpg") are left
// out on purpose and counted, so the summary can say so.

export const SLOTS = 3;

export type ItemStatus = "waiting" | "hashing" | "checking" | "uploading" | "done" | "already" | "duplicate" | "failed" | "cancelled";

export interface QueueItem {
  id: number;
  file: File;
  /** Folder-relative path when a folder was dropped, else the name. */
  path: string;
  status: ItemStatus;
  sent: number;
  error?: string;
  /** False for a refusal (not an image, too large): sending the same bytes again cannot help. */
  retryable?: boolean;
  /** For a duplicate found in this queue: the path of the file with the same content. */
  duplicateOf?: string;
}

export interface QueueSnapshot {
  items: QueueItem[];
  /** Hidden files left out of the drops so far (names starting with "."). */
  hidden: string[];
  totalBytes: number;
  doneBytes: number;
  bytesPerSecond: number;
  etaSeconds: number | null;
  running: boolean;
}

const FINISHED: ReadonlySet<ItemStatus> = new Set(["done", "already", "duplicate", "failed", "cancelled"]);

export class UploadQueue {
  private items: QueueItem[] = [];
  private nextId = 1;
  private active = new Map<number, XMLHttpRequest>();
  private cancelled = false;
  private samples: { t: number; bytes: number }[] = [];
  private pumping = 0;
  /** Content hash -> the first file of this queue with that content (not failed or cancelled). */
  private byHash = new Map<string, QueueItem>();
  /** Resolves when an item reaches an end state (its duplicates wait for it). */
  private settled = new Map<number, Promise<void>>();
  private hidden: string[] = [];

  constructor(
    private readonly endpoints: { check: string; upload: string },
    private readonly onChange: (s: QueueSnapshot) => void,
  ) {}

  add(picked: PickedFiles): void {
    this.hidden.push(...picked.hidden);
    for (const f of picked.files) this.items.push({ id: this.nextId++, file: f.file, path: f.path, status: "waiting", sent: 0 });
    this.cancelled = false;
    this.pump();
  }

  retryFailed(): void {
    for (const it of this.items) {
      if ((it.status === "failed" && it.retryable !== false) || it.status === "cancelled") {
        Object.assign(it, { status: "waiting", sent: 0, error: undefined, retryable: undefined });
      }
    }
    this.cancelled = false;
    this.pump();
  }

  cancel(): void {
    this.cancelled = true;
    for (const xhr of this.active.values()) xhr.abort();
    for (const it of this.items) if (!FINISHED.has(it.status)) it.status = "cancelled";
    this.emit();
  }

  clearFinished(): void {
    this.items = this.items.filter((it) => !FINISHED.has(it.status) || it.status === "failed");
    this.hidden = [];
    // Dropping the same files again now asks the server, which answers "already uploaded".
    this.byHash.clear();
    this.emit();
  }

  private pump(): void {
    while (this.pumping < SLOTS) {
      this.pumping++;
      void this.slot().finally(() => {
        this.pumping--;
        this.emit();
      });
    }
    this.emit();
  }

  private async slot(): Promise<void> {
    for (;;) {
      if (this.cancelled) return;
      const item = this.items.find((it) => it.status === "waiting");
      if (!item) return;
      let settle!: () => void;
      this.settled.set(item.id, new Promise<void>((r) => (settle = r)));
      try {
        await this.send(item);
      } catch (err) {
        if (item.status !== "cancelled") {
          item.status = "failed";
          item.error = err instanceof Error ? err.message : String(err);
        }
      } finally {
        settle();
      }
      this.emit();
    }
  }

  private async send(item: QueueItem): Promise<void> {
    item.status = "hashing";
    this.emit();
    const hash = await sha256Hex(item.file);
    if (this.cancelled) return;
    let first = this.byHash.get(hash);
    if (first && first !== item && first.status !== "failed" && first.status !== "cancelled") {
      // Wait until the first copy is stored, then only tell the server this name (below).
      await this.settled.get(first.id);
      if (this.cancelled) return;
    }
    first = this.byHash.get(hash);
    const twinOf = first && first !== item && (first.status === "done" || first.status === "already" || first.status === "duplicate") ? first : null;
    if (!twinOf) this.byHash.set(hash, item);
    item.status = "checking";
    this.emit();
    const res = await fetch(this.endpoints.check, {
      method: "POST",
      headers: { "content-type": "application/json" },
      // With the name: a file the set already holds keeps this name too.
      body: JSON.stringify({ hashes: [hash], names: [item.path] }),
    });
    const body = (await res.json().catch(() => null)) as { existing?: string[]; error?: { message?: string } } | null;
    if (!res.ok) throw new Error(body?.error?.message ?? `Check failed (${res.status})`);
    if (body?.existing?.includes(hash)) {
      item.status = twinOf ? "duplicate" : "already";
      if (twinOf) item.duplicateOf = twinOf.path;
      item.sent = item.file.size;
      return;
    }
    if (this.cancelled) return;
    item.status = "uploading";
    this.emit();
    const result = await this.post(item);
    item.sent = item.file.size;
    item.status = result.duplicate ? "duplicate" : "done";
  }

  private post(item: QueueItem): Promise<{ duplicate: boolean }> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      this.active.set(item.id, xhr);
      const form = new FormData();
      // The name as a field first: the browser escapes '"' in a part's filename as %22 (HTML's
      // multipart rules), so a name like 'the "blue" door.jpg' came back as the %22 door.
      form.append("name", item.path);
      form.append("file", item.file, item.path);
      xhr.upload.onprogress = (e) => {
        item.sent = Math.min(e.loaded, item.file.size);
        this.emit();
      };
      xhr.onload = () => {
        this.active.delete(item.id);
        const body = safeJson(xhr.responseText) as {
          results?: { ok: boolean; duplicate?: boolean; message?: string }[];
          error?: { message?: string };
        } | null;
        const r = body?.results?.[0];
        if (xhr.status < 300 && r?.ok) return resolve({ duplicate: Boolean(r.duplicate) });
        // The server's answer about this file's content (413, 415, 400) will not change on a retry.
        if (r && !r.ok) item.retryable = false;
        reject(new Error(r?.message ?? body?.error?.message ?? `Upload failed (${xhr.status})`));
      };
      xhr.onerror = () => {
        this.active.delete(item.id);
        reject(new Error("Network error: the connection dropped. Retry when you are back online."));
      };
      xhr.onabort = () => {
        this.active.delete(item.id);
        item.status = "cancelled";
        reject(new Error("Cancelled"));
      };
      xhr.open("POST", this.endpoints.upload);
      xhr.send(form);
    });
  }

  private lastEmit = 0;
  private emitTimer: ReturnType<typeof setTimeout> | null = null;

  /** Progress events come fast; the UI is told at most ~8 times a second. */
  private emit(): void {
    const now = performance.now();
    if (now - this.lastEmit < 120) {
      this.emitTimer ??= setTimeout(() => {
        this.emitTimer = null;
        this.emit();
      }, 120);
      return;
    }
    this.lastEmit = now;
    this.onChange(this.snapshot(now));
  }

  private snapshot(now: number): QueueSnapshot {
    let totalBytes = 0;
    let doneBytes = 0;
    for (const it of this.items) {
      totalBytes += it.file.size;
      doneBytes += FINISHED.has(it.status) && it.status !== "failed" && it.status !== "cancelled" ? it.file.size : it.sent;
    }
    // Speed over the last 5 s of samples; ETA from what is left.
    this.samples.push({ t: now, bytes: doneBytes });
    while (this.samples.length > 2 && now - this.samples[0]!.t > 5000) this.samples.shift();
    const first = this.samples[0]!;
    const span = (now - first.t) / 1000;
    const bytesPerSecond = span > 0.5 ? Math.max(0, (doneBytes - first.bytes) / span) : 0;
    const running = this.items.some((it) => !FINISHED.has(it.status));
    const left = this.items.reduce((s, it) => s + (FINISHED.has(it.status) ? 0 : it.file.size - it.sent), 0);
    return {
      items: this.items.map((it) => ({ ...it })),
      hidden: [...this.hidden],
      totalBytes,
      doneBytes,
      bytesPerSecond,
      etaSeconds: running && bytesPerSecond > 0 ? left / bytesPerSecond : null,
      running,
    };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

async function sha256Hex(file: File): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** What a drop or a picker gave: the files to upload, and the hidden ones left out. */
export interface PickedFiles {
  files: { file: File; path: string }[];
  /** Paths of hidden files (name starting with "."): system files such as .DS_Store or macOS's "._" copies. */
  hidden: string[];
}

const isHidden = (name: string) => name.startsWith(".");

/** Files of a drop, walking dropped folders (webkitGetAsEntry); hidden files and folders are left out and named. */
export async function filesFromDrop(dt: DataTransfer): Promise<PickedFiles> {
  const entries = Array.from(dt.items)
    .map((i) => i.webkitGetAsEntry?.())
    .filter((e): e is FileSystemEntry => Boolean(e));
  if (entries.length === 0) return filesFromInput(dt.files);
  const out: PickedFiles = { files: [], hidden: [] };
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    if (isHidden(entry.name)) {
      out.hidden.push(prefix + entry.name);
      return;
    }
    if (entry.isFile) {
      const file = await new Promise<File>((res, rej) => (entry as FileSystemFileEntry).file(res, rej));
      out.files.push({ file, path: prefix + entry.name });
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      // readEntries answers in chunks (about 100 at a time) until it returns none.
      for (;;) {
        const chunk = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
        if (chunk.length === 0) break;
        for (const child of chunk) await walk(child, `${prefix}${entry.name}/`);
      }
    }
  };
  for (const e of entries) await walk(e, "");
  return out;
}

/** Files from an <input type=file> (with or without webkitdirectory); hidden files (or files in hidden folders) are left out and named. */
export function filesFromInput(list: FileList | null): PickedFiles {
  const out: PickedFiles = { files: [], hidden: [] };
  for (const file of Array.from(list ?? [])) {
    const path = file.webkitRelativePath || file.name;
    if (path.split("/").some(isHidden)) out.hidden.push(path);
    else out.files.push({ file, path });
  }
  return out;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

export function formatDuration(s: number): string {
  if (s < 60) return `${Math.ceil(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}
