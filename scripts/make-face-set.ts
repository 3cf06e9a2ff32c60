// Builds the labelled face test set (test/fixtures/faces) from scikit-image's
// sample photos as Debian ships them (package python3-skimage, folder
// /usr/lib/python3/dist-packages/skimage/data). Every source is public domain
// or CC0 (see test/fixtures/faces/SOURCES.md); every label follows from how the
// picture was made: the real faces are the astronaut's (Eileen Collins, NASA)
// and the cameraman's, and groups are those heads pasted onto photos without
// people, so the count is known exactly.
//   apt-get download python3-skimage && dpkg-deb -x python3-skimage_*.deb /tmp/sk
//   npx tsx scripts/make-face-set.ts /tmp/sk/usr/lib/python3/dist-packages/skimage/data
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import sharp, { type OverlayOptions } from "sharp";

const src = process.argv[2];
if (!src) {
  console.error("usage: tsx scripts/make-face-set.ts <skimage data folder>");
  process.exit(2);
}
const out = path.resolve(import.meta.dirname, "../test/fixtures/faces");
mkdirSync(out, { recursive: true });

export interface FaceLabel {
  file: string;
  made: string;
  faces: number;
  /** Faces with their eyes shut (painted lids); null when some face's eyes are not clearly open or shut. */
  eyesClosed: number | null;
  /** True when the main face was blurred on purpose. */
  unsharp?: boolean;
  /** Where each pasted face sits (fractions of the image), for the crop test. */
  faceBoxes?: { x: number; y: number; width: number; height: number }[];
}
const labels: FaceLabel[] = [];
const file = (name: string) => path.join(src, name);

/** The astronaut with both eyes painted shut: skin-coloured lids (softened) and a dark lash line. */
async function astronautClosed(): Promise<Buffer> {
  const lids = `<svg width="512" height="512" xmlns="http://www.w3.org/2000/svg">
    <ellipse cx="204" cy="101" rx="12.5" ry="7" fill="rgb(196,150,130)"/>
    <ellipse cx="247" cy="103" rx="12.5" ry="7" fill="rgb(196,150,130)"/></svg>`;
  const lash = `<svg width="512" height="512" xmlns="http://www.w3.org/2000/svg">
    <path d="M192,101 Q204,106.5 216,102" stroke="rgb(70,45,40)" stroke-width="1.8" fill="none"/>
    <path d="M235,104 Q247,108.5 259,103" stroke="rgb(70,45,40)" stroke-width="1.8" fill="none"/></svg>`;
  const soft = await sharp(Buffer.from(lids)).blur(1.5).png().toBuffer();
  return sharp(file("astronaut.png")).removeAlpha().composite([{ input: soft }, { input: Buffer.from(lash) }]).png().toBuffer();
}

interface Head {
  image: Buffer;
  /** The head's rectangle in the source (hair and chin included) and the face box inside it. */
  rect: { left: number; top: number; width: number; height: number };
  face: { left: number; top: number; width: number; height: number };
  closed: boolean | null;
}

async function heads() {
  const astro = await sharp(file("astronaut.png")).removeAlpha().png().toBuffer();
  const closed = await astronautClosed();
  const camera = await sharp(file("camera.png")).toColourspace("srgb").removeAlpha().png().toBuffer();
  const astroRect = { left: 110, top: 0, width: 240, height: 260 };
  const astroFace = { left: 152, top: 49, width: 145, height: 145 };
  return {
    open: { image: astro, rect: astroRect, face: astroFace, closed: false } satisfies Head,
    shut: { image: closed, rect: astroRect, face: astroFace, closed: true } satisfies Head,
    camera: { image: camera, rect: { left: 140, top: 60, width: 170, height: 190 }, face: { left: 172, top: 109, width: 101, height: 101 }, closed: null } satisfies Head,
  };
}

/** A head cut out with a soft oval edge, `height` px tall, optionally mirrored. */
async function cutout(h: Head, height: number, flip: boolean): Promise<{ png: Buffer; width: number; scale: number }> {
  const scale = height / h.rect.height;
  const width = Math.round(h.rect.width * scale);
  const mask = await sharp(
    Buffer.from(`<svg width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">
      <ellipse cx="${width / 2}" cy="${height / 2}" rx="${width * 0.45}" ry="${height * 0.47}" fill="#fff"/></svg>`),
  )
    .blur(Math.max(1, height / 40))
    .extractChannel(0)
    .toBuffer();
  let img = sharp(h.image).extract(h.rect).resize(width, height);
  if (flip) img = img.flop();
  const rgb = await img.removeAlpha().toBuffer();
  const png = await sharp(rgb).joinChannel(mask).png().toBuffer();
  return { png, width, scale };
}

interface Placement {
  head: keyof Awaited<ReturnType<typeof heads>>;
  /** Head height in px and its top-left corner on the canvas. */
  height: number;
  left: number;
  top: number;
  flip?: boolean;
}

async function group(name: string, background: string, size: [number, number], places: Placement[], made: string): Promise<void> {
  const hs = await heads();
  const [W, H] = size;
  const layers: OverlayOptions[] = [];
  const boxes: FaceLabel["faceBoxes"] = [];
  let closed = 0;
  let unknownEyes = false;
  for (const p of places) {
    const h = hs[p.head];
    const c = await cutout(h, p.height, p.flip ?? false);
    layers.push({ input: c.png, left: p.left, top: p.top });
    const fx = (h.face.left - h.rect.left) * c.scale;
    const fLeft = p.flip ? c.width - fx - h.face.width * c.scale : fx;
    boxes.push({
      x: round4((p.left + fLeft) / W),
      y: round4((p.top + (h.face.top - h.rect.top) * c.scale) / H),
      width: round4((h.face.width * c.scale) / W),
      height: round4((h.face.height * c.scale) / H),
    });
    if (h.closed === null) unknownEyes = true;
    else if (h.closed) closed++;
  }
  const bg = await sharp(file(background)).toColourspace("srgb").removeAlpha().resize(W, H, { fit: "cover" }).toBuffer();
  await sharp(bg).composite(layers).jpeg({ quality: 85 }).toFile(path.join(out, name));
  labels.push({ file: name, made, faces: places.length, eyesClosed: unknownEyes ? null : closed, faceBoxes: boxes });
}

async function single(name: string, input: Buffer | string, made: string, label: Omit<FaceLabel, "file" | "made">, blur = 0): Promise<void> {
  let img = sharp(input).toColourspace("srgb").removeAlpha();
  if (blur > 0) img = img.blur(blur);
  await img.jpeg({ quality: 88 }).toFile(path.join(out, name));
  labels.push({ file: name, made, ...label });
}

const round4 = (v: number) => Math.round(v * 10000) / 10000;

async function main(): Promise<void> {
  // People, one face.
  await single("astronaut.jpg", file("astronaut.png"), "astronaut.png as is", { faces: 1, eyesClosed: 0 });
  await single("astronaut-eyes-shut.jpg", await astronautClosed(), "astronaut.png, eyelids painted shut", { faces: 1, eyesClosed: 1 });
  await single("cameraman.jpg", file("camera.png"), "camera.png as is (eyes on the camera: not labelled open or shut)", { faces: 1, eyesClosed: null });
  await single("astronaut-blurred.jpg", file("astronaut.png"), "astronaut.png, Gaussian blur sigma 3", { faces: 1, eyesClosed: null, unsharp: true }, 3);
  await single("astronaut-soft.jpg", file("astronaut.png"), "astronaut.png, Gaussian blur sigma 1.5", { faces: 1, eyesClosed: null, unsharp: true }, 1.5);
  await single(
    "astronaut-large.jpg",
    await sharp(file("astronaut.png")).removeAlpha().resize(1024, 1024).png().toBuffer(),
    "astronaut.png enlarged to 1024 px",
    { faces: 1, eyesClosed: 0 },
  );

  // Groups and faces near an edge: heads pasted onto photos without people.
  await group("pair-coffee.jpg", "coffee.png", [1200, 800], [
    { head: "open", height: 300, left: 180, top: 180 },
    { head: "camera", height: 280, left: 760, top: 220 },
  ], "two heads on coffee.png");
  await group("trio-grass.jpg", "grass.png", [1280, 853], [
    { head: "open", height: 260, left: 80, top: 260 },
    { head: "shut", height: 260, left: 520, top: 240, flip: true },
    { head: "open", height: 240, left: 940, top: 280, flip: true },
  ], "three heads on grass.png, the middle one with eyes shut");
  await group("four-brick.jpg", "brick.png", [1280, 853], [
    { head: "open", height: 220, left: 60, top: 120 },
    { head: "open", height: 200, left: 360, top: 420, flip: true },
    { head: "shut", height: 230, left: 660, top: 110 },
    { head: "shut", height: 210, left: 980, top: 430, flip: true },
  ], "four heads on brick.png, two with eyes shut");
  await group("five-gravel.jpg", "gravel.png", [1280, 853], [
    { head: "open", height: 200, left: 40, top: 80 },
    { head: "open", height: 190, left: 300, top: 470, flip: true },
    { head: "open", height: 210, left: 560, top: 90 },
    { head: "shut", height: 200, left: 820, top: 460 },
    { head: "open", height: 200, left: 1050, top: 100, flip: true },
  ], "five heads on gravel.png, one with eyes shut");
  await group("five-rocket.jpg", "rocket.jpg", [1280, 853], [
    { head: "open", height: 170, left: 70, top: 560 },
    { head: "open", height: 180, left: 310, top: 590, flip: true },
    { head: "camera", height: 190, left: 560, top: 570 },
    { head: "open", height: 175, left: 820, top: 600 },
    { head: "open", height: 185, left: 1060, top: 580, flip: true },
  ], "five heads in a row in front of rocket.jpg");
  await group("edge-left-wide.jpg", "coffee.png", [1600, 900], [{ head: "open", height: 330, left: 0, top: 300 }], "one head at the left edge of a wide coffee.png");
  await group("edge-right-wide.jpg", "grass.png", [1600, 900], [{ head: "open", height: 300, left: 1360, top: 20, flip: true }], "one head at the top right corner of a wide grass.png");
  await group("edge-top-tall.jpg", "rocket.jpg", [900, 1600], [{ head: "open", height: 320, left: 560, top: 0 }], "one head at the top of a tall rocket.jpg");
  await group("edge-bottom-tall.jpg", "gravel.png", [900, 1600], [{ head: "camera", height: 300, left: 20, top: 1290 }], "one head at the bottom left of a tall gravel.png");
  await group("edge-pair-wide.jpg", "brick.png", [1800, 800], [
    { head: "open", height: 260, left: 0, top: 260 },
    { head: "shut", height: 260, left: 1560, top: 100, flip: true },
  ], "two heads at both ends of a very wide brick.png");
  await group("small-faces.jpg", "grass.png", [1280, 853], [
    { head: "open", height: 120, left: 200, top: 200 },
    { head: "open", height: 110, left: 600, top: 500, flip: true },
    { head: "open", height: 115, left: 1000, top: 250 },
  ], "three small heads (faces ~70 px) on grass.png");

  // No people: every other photo of the set, hard cases included (a cat's
  // face, a horse, coins with profiles, a rocket the detector's box stage takes for a face).
  const none: [string, string][] = [
    ["coffee.png", "a cup of coffee"],
    ["chelsea.png", "a cat's face"],
    ["rocket.jpg", "a rocket on its pad"],
    ["hubble_deep_field.jpg", "galaxies"],
    ["horse.png", "a horse silhouette"],
    ["coins.png", "old coins, some with profiles"],
    ["grass.png", "grass"],
    ["gravel.png", "gravel"],
    ["brick.png", "a brick wall"],
    ["retina.jpg", "a retina"],
    ["text.png", "text on a page"],
    ["clock_motion.png", "a clock, blurred by motion"],
    ["cell.png", "a cell under a microscope"],
  ];
  for (const [f, what] of none) {
    await single(`none-${f.replace(/\.(png|jpg)$/, "")}.jpg`, file(f), `${f} as is: ${what}`, { faces: 0, eyesClosed: 0 });
  }
  writeFileSync(path.join(out, "labels.json"), `${JSON.stringify(labels, null, 1)}\n`);
  console.log(`${labels.length} photos in ${out}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
