// XMP for each exported photo, as a sidecar (.xmp next to the JPEG) and
// embedded in the JPEG itself, so Lightroom, Bridge, darktable and friends
// pick up the caption (dc:description), the keywords - flat (dc:subject) and
// as Lightroom's hierarchy (lr:hierarchicalSubject: Category|..., Tags|...,
// Hashtags|...) - the alt text, and a person's culling as xmp:Rating (1-5
// stars; -1 is the "rejected" rating Bridge and Lightroom read). Plain XML
// written by hand: the format is a fixed, tiny template.

export interface SidecarFields {
  /** The original file name; null leaves dc:title out (a share export without names). */
  title: string | null;
  description: string | null;
  category: string | null;
  tags: string[];
  /** With or without the leading "#". */
  hashtags: string[];
  altText: string | null;
  /** 1-5 stars, null: unrated. */
  rating: number | null;
  flag: "PICK" | "REJECT" | null;
}

function esc(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    // Characters XML 1.0 forbids are dropped rather than breaking the file.
    // eslint-disable-next-line no-control-regex -- those are control characters
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "");
}

function alt(tag: string, value: string | null): string {
  if (!value) return "";
  return `   <${tag}>\n    <rdf:Alt>\n     <rdf:li xml:lang="x-default">${esc(value)}</rdf:li>\n    </rdf:Alt>\n   </${tag}>\n`;
}

function bag(tag: string, values: string[]): string {
  if (!values.length) return "";
  return `   <${tag}>\n    <rdf:Bag>\n${values.map((k) => `     <rdf:li>${esc(k)}</rdf:li>\n`).join("")}    </rdf:Bag>\n   </${tag}>\n`;
}

function unique(values: string[]): string[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const key = v.toLowerCase();
    if (!v || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Lightroom's separator is "|", so a keyword may not contain one. */
const leaf = (s: string) => s.replace(/\|/g, " ").trim();

/** The keywords, flat and hierarchical, from the category, tags and hashtags. */
export function xmpKeywords(f: Pick<SidecarFields, "category" | "tags" | "hashtags">): { flat: string[]; hierarchical: string[] } {
  const hashtags = f.hashtags.map((h) => leaf(h.replace(/^#/, "")));
  const tags = f.tags.map(leaf);
  const category = f.category ? [leaf(f.category)] : [];
  return {
    flat: unique([...category, ...tags, ...hashtags]),
    hierarchical: unique([...category.map((c) => `Category|${c}`), ...tags.map((t) => `Tags|${t}`), ...hashtags.map((h) => `Hashtags|${h}`)]),
  };
}

/** xmp:Rating: -1 for a rejected photo, else the stars (absent when unrated). */
export function xmpRating(f: Pick<SidecarFields, "rating" | "flag">): number | null {
  if (f.flag === "REJECT") return -1;
  return f.rating && f.rating >= 1 && f.rating <= 5 ? Math.round(f.rating) : null;
}

export function xmpSidecar(f: SidecarFields): string {
  const { flat, hierarchical } = xmpKeywords(f);
  const rating = xmpRating(f);
  return (
    `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>\n` +
    `<x:xmpmeta xmlns:x="adobe:ns:meta/">\n` +
    ` <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n` +
    `  <rdf:Description rdf:about=""\n` +
    `    xmlns:dc="http://purl.org/dc/elements/1.1/"\n` +
    `    xmlns:xmp="http://ns.adobe.com/xap/1.0/"\n` +
    `    xmlns:lr="http://ns.adobe.com/lightroom/1.0/"\n` +
    `    xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"` +
    (rating === null ? "" : `\n    xmp:Rating="${rating}"`) +
    `>\n` +
    alt("dc:title", f.title) +
    alt("dc:description", f.description) +
    bag("dc:subject", flat) +
    bag("lr:hierarchicalSubject", hierarchical) +
    alt("Iptc4xmpCore:AltTextAccessibility", f.altText) +
    `  </rdf:Description>\n` +
    ` </rdf:RDF>\n` +
    `</x:xmpmeta>\n` +
    `<?xpacket end="w"?>\n`
  );
}
