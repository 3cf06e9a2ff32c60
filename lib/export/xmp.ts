// An XMP sidecar per exported photo so Lightroom, Bridge and friends pick up
// the caption (dc:description), the hashtags and tags (dc:subject) and the alt
// text. Plain XML written by hand: the format is a fixed, tiny template.

export interface SidecarFields {
  title: string;
  description: string | null;
  keywords: string[];
  altText: string | null;
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

export function xmpSidecar(f: SidecarFields): string {
  const subjects = f.keywords.length
    ? `   <dc:subject>\n    <rdf:Bag>\n${f.keywords.map((k) => `     <rdf:li>${esc(k)}</rdf:li>\n`).join("")}    </rdf:Bag>\n   </dc:subject>\n`
    : "";
  return (
    `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>\n` +
    `<x:xmpmeta xmlns:x="adobe:ns:meta/">\n` +
    ` <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n` +
    `  <rdf:Description rdf:about=""\n` +
    `    xmlns:dc="http://purl.org/dc/elements/1.1/"\n` +
    `    xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/">\n` +
    alt("dc:title", f.title) +
    alt("dc:description", f.description) +
    subjects +
    alt("Iptc4xmpCore:AltTextAccessibility", f.altText) +
    `  </rdf:Description>\n` +
    ` </rdf:RDF>\n` +
    `</x:xmpmeta>\n` +
    `<?xpacket end="w"?>\n`
  );
}
