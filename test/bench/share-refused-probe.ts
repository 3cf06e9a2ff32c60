// The probe of issue 13, finding 2, re-measured: what one anonymous share-link
// ZIP download costs when the shared album tried to include a 16,000 x 16,000
// 16-bit PNG (a ~0.5 MB file, 256 megapixels decoded). The PNG goes through the
// real upload and image pipeline (refused), the album route (refused: 409), and -
// as rows older code could have written - straight into the album with its
// bytes restored; then the share ZIP is downloaded through the route handler.
// "before" decodes the PNG the way the old export did (sharp's own pixel
// limit), in this process, for a same-machine comparison.
//
//   createdb -h 127.0.0.1 -U postgres probe13
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/probe13 STORAGE_DIR=/tmp/probe13 npx tsx test/bench/share-refused-probe.ts
import { once } from "node:events";
import { randomBytes } from "node:crypto";
import zlib from "node:zlib";
import { NextRequest } from "next/server";
import sharp from "sharp";
import { GET as shareExportGet } from "@/app/api/share/[token]/export/route";
import { db, ensureMigrated } from "@/lib/db";
import { ingestFile, processPendingPhotos } from "@/lib/images/pipeline";
import { addPhotosToAlbum, createAlbum } from "@/lib/organize";
import { createShareLink } from "@/lib/share";
import { storage } from "@/lib/storage";

const SIDE = 16_000;

/** A real 16-bit greyscale PNG, streamed row by row (the raw image would be 512 MB). */
async function png16(side: number): Promise<Buffer> {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 16; // bit depth
  ihdr[9] = 0; // greyscale
  const deflate = zlib.createDeflate({ level: 6 });
  const parts: Buffer[] = [];
  deflate.on("data", (d: Buffer) => parts.push(d));
  const row = Buffer.alloc(1 + side * 2);
  for (let y = 0; y < side; y++) {
    row.fill((y * 7) & 0xff, 1); // a little texture per row, so it is not all one value
    if (!deflate.write(row)) await once(deflate, "drain");
  }
  deflate.end();
  await once(deflate, "end");
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", Buffer.concat(parts)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

async function measure<T>(label: string, fn: () => Promise<T>): Promise<T> {
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const out = await fn();
  const cpu = process.cpuUsage(cpu0);
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(
    `${label}: ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU, ${(performance.now() - t0).toFixed(0)} ms wall, ` +
      `peak RSS +${((peak - rss0) / 1024 / 1024).toFixed(0)} MB`,
  );
  return out;
}

async function main(): Promise<void> {
  await ensureMigrated();
  const tag = randomBytes(3).toString("hex");
  const user = await db().user.create({ data: { email: `probe-${tag}@example.test`, name: "Probe", passwordHash: "x" } });
  const team = await db().team.create({ data: { name: `probe ${tag}`, memberships: { create: { userId: user.id, role: "OWNER" } } } });
  const set = await db().photoSet.create({ data: { teamId: team.id, name: "Probe", createdById: user.id } });
  const bomb = await png16(SIDE);
  console.log(`the PNG: ${SIDE} x ${SIDE}, 16-bit, ${(bomb.length / 1024).toFixed(0)} KB`);
  const normal = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: "#4477aa" } }).jpeg().toBuffer();
  const ok = await ingestFile({ teamId: team.id, setId: set.id, originalName: "fine.jpg", buffer: normal });
  const bad = await ingestFile({ teamId: team.id, setId: set.id, originalName: "bomb.png", buffer: bomb });
  await processPendingPhotos({ setId: set.id });
  const refused = await db().photo.findUniqueOrThrow({ where: { id: bad.photoId } });
  console.log(`pipeline: ${refused.state} - ${refused.stateReason}; original kept: ${await storage().has(refused.contentHash, "original")}`);
  const album = await createAlbum(team.id, { name: "Shared", kind: "CUSTOM", photoIds: [ok.photoId], suggestOrder: false });
  const add = await addPhotosToAlbum(team.id, album.id, [bad.photoId]).then(
    () => "added",
    (e: Error & { status?: number }) => `${e.status} ${e.message}`,
  );
  console.log(`album add: ${add}`);
  const link = await createShareLink(team.id, user.id, album.id, { allowDownload: true });
  const download = async () => {
    const url = new URL(`/api/share/${link.token}/export?ratio=4:5`, "http://localhost:3000");
    const r = await shareExportGet(new NextRequest(url), { params: Promise.resolve({ token: link.token }) });
    return Buffer.from(await r.arrayBuffer()).length;
  };
  const size = await measure("share ZIP, album as the app leaves it", download);
  console.log(`  ZIP ${(size / 1024).toFixed(0)} KB`);

  // Rows older code could have written: the refused photo in the album, its bytes on disk.
  await storage().put(refused.contentHash, "original", bomb);
  await db().albumPhoto.create({ data: { albumId: album.id, photoId: bad.photoId, position: 1 } });
  await measure("share ZIP, refused photo forced into the album", download);

  // The old export's decode of that file (sharp's default limit of ~268 MP lets 256 MP through).
  await measure("before: the old export's decode of the PNG", async () => {
    const meta = await sharp(bomb).metadata();
    const side = Math.min(meta.width, meta.height);
    return sharp(bomb, { failOn: "none" }).extract({ left: 0, top: 0, width: side, height: side }).resize(1080, 1080).jpeg().toBuffer();
  });
}

main()
  .then(() => process.exit(0))
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
