"use client";
// Download buttons for a ZIP export in the chosen Instagram ratio and width
// (1080 px, Instagram's long-standing size, or 1440 px, what it keeps since
// 2025). A carousel has one ratio, its cover's: no choice, it is named.
// On a phone the controls wrap as whole controls, never inside a label.
import { useState } from "react";
import type { ExportRatio } from "@/lib/organize/crops";

const RATIOS: { value: ExportRatio; label: string }[] = [
  { value: "4:5", label: "4:5 portrait" },
  { value: "3:4", label: "3:4 portrait (profile grid)" },
  { value: "1:1", label: "1:1 square" },
  { value: "1.91:1", label: "1.91:1 landscape" },
];

export function ExportLinks({
  href,
  label = "Download ZIP",
  fixedRatio = null,
  note,
}: {
  href: string;
  label?: string;
  /** A carousel's ratio (its cover's): offered as the only one. */
  fixedRatio?: ExportRatio | null;
  note?: string;
}) {
  const [ratio, setRatio] = useState<ExportRatio>(fixedRatio ?? "4:5");
  const [width, setWidth] = useState("1080");
  const chosen = fixedRatio ?? ratio;
  const query = `ratio=${encodeURIComponent(chosen)}${width === "1080" ? "" : `&width=${width}`}`;
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      {fixedRatio ? (
        <span className="whitespace-nowrap text-neutral-600" data-testid="export-fixed-ratio" title="Every slide is cut to the cover's shape">
          {RATIOS.find((r) => r.value === fixedRatio)?.label ?? fixedRatio}, like the cover
        </span>
      ) : (
        <select className="input w-auto max-w-full" value={ratio} onChange={(e) => setRatio(e.target.value as ExportRatio)} aria-label="Export ratio">
          {RATIOS.map((r) => (
            <option key={r.value} value={r.value}>{r.label}</option>
          ))}
        </select>
      )}
      <select className="input w-auto max-w-full" value={width} onChange={(e) => setWidth(e.target.value)} aria-label="Export width">
        <option value="1080">1080 px wide</option>
        <option value="1440">1440 px wide</option>
      </select>
      <a className="btn whitespace-nowrap" href={`${href}?${query}`} download data-testid="download-zip">
        {label}
      </a>
      {note && <p className="w-full text-xs text-neutral-500">{note}</p>}
    </div>
  );
}
