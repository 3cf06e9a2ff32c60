// Image type from the first bytes of a file (never from its name or the
// browser's claim). Accepted: JPEG, PNG, WebP, AVIF, TIFF, GIF. HEIC/HEIF is
// recognised so the refusal can say why: the bundled libvips decodes AVIF but
// has no HEVC decoder.
export type SniffedType = "jpeg" | "png" | "webp" | "avif" | "tiff" | "gif" | "heic";
export const ACCEPTED_TYPES = ["jpeg", "png", "webp", "avif", "tiff", "gif"] as const;
export type AcceptedType = (typeof ACCEPTED_TYPES)[number];

export const MIME: Record<SniffedType, string> = {
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  avif: "image/avif",
  tiff: "image/tiff",
  gif: "image/gif",
  heic: "image/heic",
};

/** Bytes needed to recognise every type above. */
export const SNIFF_BYTES = 32;

const startsWith = (head: Buffer, bytes: number[], at = 0): boolean =>
  head.length >= at + bytes.length && bytes.every((b, i) => head[at + i] === b);

const ascii = (head: Buffer, from: number, to: number): string =>
  head.length >= to ? head.toString("latin1", from, to) : "";

const AVIF_BRANDS = new Set(["avif", "avis"]);
const HEIC_BRANDS = new Set(["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1"]);

/** The image type of a file from its first SNIFF_BYTES bytes, or null if it is not a known image. */
export function sniffImageType(head: Buffer): SniffedType | null {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return "jpeg";
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 12) === "WEBP") return "webp";
  if (ascii(head, 0, 6) === "GIF87a" || ascii(head, 0, 6) === "GIF89a") return "gif";
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) return "tiff";
  if (ascii(head, 4, 8) === "ftyp") {
    // ISO-BMFF: major brand at 8..12, compatible brands after the minor version.
    const size = Math.min(head.readUInt32BE(0), head.length);
    const brands = [ascii(head, 8, 12)];
    for (let at = 16; at + 4 <= size; at += 4) brands.push(ascii(head, at, at + 4));
    if (brands.some((b) => AVIF_BRANDS.has(b))) return "avif";
    if (brands.some((b) => HEIC_BRANDS.has(b))) return "heic";
  }
  return null;
}

export function isAccepted(t: SniffedType | null): t is AcceptedType {
  return t !== null && (ACCEPTED_TYPES as readonly string[]).includes(t);
}
