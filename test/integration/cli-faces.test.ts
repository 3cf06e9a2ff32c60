// `npm run organize` runs the face stage (faces.enabled, on by default) as the
// app does: on a folder of the labelled face photos, without a key, the report
// and the summary line give the people counts, they equal what the app's People
// filter counts for the same set, and the exported albums carry them (people
// column, category "people", tag "group"). --faces=false skips the stage; the
// run with faces comes after it, so its photos' local analyses come from the
// cache and the scans land after them.
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliReport } from "@/lib/cli/report";
import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { listPhotos, photoQuerySchema } from "@/lib/organize";

const run = promisify(execFile);
const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/faces");
// Counts the face stage gets right on these (test/integration/faces-stage.test.ts, labels.json).
const PHOTOS: Record<string, number> = { "astronaut.jpg": 1, "four-brick.jpg": 4, "trio-grass.jpg": 3, "none-coffee.jpg": 0, "none-chelsea.jpg": 0 };
let root: string;

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), "cli-faces-"));
  for (const dir of ["party", "party-again"]) {
    mkdirSync(path.join(root, dir));
    for (const f of Object.keys(PHOTOS)) copyFileSync(path.join(FIXTURES, f), path.join(root, dir, f));
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function organize(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "test" as const, DATABASE_URL: getEnv().DATABASE_URL, DATA_DIR: path.join(root, "data") };
  try {
    const r = await run(process.execPath, ["--import", "tsx", "lib/cli/organize.ts", ...args], { env, timeout: 180_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

interface Exported {
  originalName: string;
  people: number | null;
  category: string | null;
  tags: string[];
  faceProblems: string[];
}

/** Every photo of every album folder, by original name (a photo is in several albums). */
async function exported(out: string): Promise<Map<string, Exported[]>> {
  const byName = new Map<string, Exported[]>();
  for (const folder of await readdir(out, { withFileTypes: true })) {
    if (!folder.isDirectory() || folder.name.startsWith(".") || folder.name === "Duplicates") continue;
    const json = JSON.parse(await readFile(path.join(out, folder.name, "captions.json"), "utf8")) as { photos: Exported[] };
    for (const p of json.photos) byName.set(p.originalName, [...(byName.get(p.originalName) ?? []), p]);
  }
  return byName;
}

describe("npm run organize with the face stage", () => {
  it("skips the face stage with --faces=false (first: the run after it finds these contents analysed already)", async () => {
    const out = path.join(root, "out-off");
    const r = await organize(["--source", path.join(root, "party-again"), "--output", out, "--report", path.join(root, "off.json"), "--faces=false"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const report = JSON.parse(await readFile(path.join(root, "off.json"), "utf8")) as CliReport;
    expect(report).toMatchObject({ images: 5, faces: null });
    expect(r.stdout).not.toMatch(/Faces:/);
    for (const [name, list] of await exported(out)) for (const p of list) expect(p, name).toMatchObject({ people: null, category: null, tags: [] });
  }, 240_000);

  it("counts people like the app, and exports the counts, the people category and the group tag", async () => {
    const source = path.join(root, "party");
    const out = path.join(root, "out");
    const r = await organize(["--source", source, "--output", out, "--report", path.join(root, "r.json")]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const report = JSON.parse(await readFile(path.join(root, "r.json"), "utf8")) as CliReport;
    expect(report).toMatchObject({ provider: "local", images: 5, failed: 0 });
    // four-brick has two faces with painted-shut eyes, trio-grass one.
    expect(report.faces).toMatchObject({ photos: 5, scanned: 5, with_people: 3, people: 8, groups: 2, eyes_closed: 2, failed: 0 });
    expect(r.stdout).toMatch(/Faces: 3 of 5 photos show people \(8 faces; 2 groups of 3 or more; eyes closed on 2/);

    // The app's People filter on the set the CLI wrote counts the same.
    const set = await db().photoSet.findFirstOrThrow({ where: { name: source } });
    const total = async (people: string) => (await listPhotos(set.teamId, set.id, photoQuerySchema.parse({ people }))).total;
    expect(await total("with")).toBe(report.faces!.with_people);
    expect(await total("without")).toBe(5 - report.faces!.with_people);
    expect(await total("groups")).toBe(report.faces!.groups);
    expect(await total("problems")).toBeGreaterThanOrEqual(report.faces!.eyes_closed);

    const photos = await exported(out);
    expect([...photos.keys()].sort()).toEqual(Object.keys(PHOTOS).sort());
    for (const [name, faces] of Object.entries(PHOTOS)) {
      for (const p of photos.get(name)!) {
        expect(p.people, name).toBe(faces);
        expect(p.category, name).toBe(faces > 0 ? "people" : null);
        expect(p.tags, name).toEqual(faces >= 3 ? ["group"] : []);
      }
    }
    expect(photos.get("trio-grass.jpg")![0]!.faceProblems).toEqual(["eyes closed in 1 of 3 faces"]);
    const csv = await readFile(path.join(out, "Best picks", "captions.csv"), "utf8");
    expect(csv.split("\n")[0]).toContain("people");
  }, 240_000);

});
