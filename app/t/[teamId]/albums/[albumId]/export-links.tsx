"use client";
// Download buttons for a ZIP export in the chosen Instagram ratio.
import { useState } from "react";

const RATIOS = [
  { value: "4:5", label: "4:5 portrait (up to 1080×1350)" },
  { value: "1:1", label: "1:1 square (up to 1080×1080)" },
  { value: "1.91:1", label: "1.91:1 landscape (up to 1080×566)" },
];

export function ExportLinks({ href, label = "Download ZIP" }: { href: string; label?: string }) {
  const [ratio, setRatio] = useState("4:5");
  return (
    <div className="flex items-center gap-2 text-sm">
      <select className="input w-auto" value={ratio} onChange={(e) => setRatio(e.target.value)} aria-label="Export ratio">
        {RATIOS.map((r) => (
          <option key={r.value} value={r.value}>{r.label}</option>
        ))}
      </select>
      <a className="btn" href={`${href}?ratio=${encodeURIComponent(ratio)}`} download data-testid="download-zip">
        {label}
      </a>
    </div>
  );
}
