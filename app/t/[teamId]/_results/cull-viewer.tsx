"use client";
// The culling pass: one photo at a time, full screen, decided by keyboard.
// ← / → previous / next, P pick, X reject, U unflag, 1-5 stars, 0 no stars,
// Esc closes. The parent remounts it (key) for another page or start. Each decision is saved at once (PATCH the photo) and shown on
// the grid behind; the XMP of an export carries it (xmp:Rating).
import { useCallback, useEffect, useState } from "react";
import { api } from "@/app/_components/api";

export interface CullItem {
  id: string;
  originalName: string;
  rating: number | null;
  flag: "PICK" | "REJECT" | null;
  hasThumb: boolean;
}

type Decision = { rating: number | null } | { flag: "PICK" | "REJECT" | null };

export function CullViewer({
  teamId,
  items,
  start,
  canEdit,
  hasNextPage,
  onChange,
  onNextPage,
  onClose,
}: {
  teamId: string;
  items: CullItem[];
  start: number;
  canEdit: boolean;
  hasNextPage: boolean;
  onChange: (id: string, patch: Partial<CullItem>) => void;
  onNextPage: () => void;
  onClose: (at: number) => void;
}) {
  const [index, setIndex] = useState(start);
  const [status, setStatus] = useState<string>("");
  const item = items[Math.min(index, items.length - 1)];

  const decide = useCallback(
    (d: Decision) => {
      if (!item) return;
      if (!canEdit) {
        setStatus("Viewers can look but not rate; ask a member.");
        return;
      }
      onChange(item.id, d);
      setStatus("Saving…");
      api(`/api/teams/${teamId}/photos/${item.id}`, { method: "PATCH", body: d })
        .then(() => setStatus("Saved"))
        .catch((e: Error) => setStatus(`Not saved: ${e.message}`));
    },
    [item, canEdit, onChange, teamId],
  );

  const move = useCallback(
    (step: number) => {
      const next = index + step;
      if (next < 0) return setStatus("This is the first photo.");
      if (next >= items.length) {
        if (hasNextPage) return onNextPage();
        return setStatus("That was the last photo.");
      }
      setStatus("");
      setIndex(next);
    },
    [index, items.length, hasNextPage, onNextPage],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.metaKey || e.ctrlKey || e.altKey) return;
      const k = e.key.toLowerCase();
      if (k === "escape") onClose(index);
      else if (k === "arrowright" || k === "arrowdown") move(1);
      else if (k === "arrowleft" || k === "arrowup") move(-1);
      else if (k === "p") decide({ flag: "PICK" });
      else if (k === "x") decide({ flag: "REJECT" });
      else if (k === "u") decide({ flag: null });
      else if (/^[0-5]$/.test(k)) decide({ rating: Number(k) || null });
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [move, decide, onClose, index]);

  if (!item) return null;
  return (
    <div role="dialog" aria-modal="true" aria-label="Culling viewer" className="fixed inset-0 z-50 flex flex-col bg-neutral-950 text-white" data-testid="cull-viewer">
      <div className="flex items-center justify-between gap-3 p-3 text-sm">
        <span className="truncate" data-testid="cull-name">{item.originalName}</span>
        <span className="shrink-0 text-neutral-400" data-testid="cull-position">
          {index + 1} / {items.length}
        </span>
        <button className="shrink-0 rounded border border-neutral-600 px-3 py-1 hover:bg-neutral-800" onClick={() => onClose(index)}>
          Close
        </button>
      </div>
      <div className="flex min-h-0 flex-1 items-center justify-center p-2">
        {item.hasThumb ? (
          <img key={item.id} src={`/api/teams/${teamId}/photos/${item.id}/preview`} alt={item.originalName} className="max-h-full max-w-full object-contain" />
        ) : (
          <p className="text-neutral-400">This photo has no preview (it could not be read).</p>
        )}
      </div>
      <div className="flex flex-wrap items-center justify-center gap-2 p-3 text-sm" data-testid="cull-controls">
        <button className="rounded border border-neutral-600 px-3 py-1 hover:bg-neutral-800" onClick={() => move(-1)} aria-label="Previous photo">←</button>
        <button
          className={`rounded px-3 py-1 ${item.flag === "PICK" ? "bg-green-600" : "border border-neutral-600 hover:bg-neutral-800"}`}
          aria-pressed={item.flag === "PICK"}
          onClick={() => decide({ flag: item.flag === "PICK" ? null : "PICK" })}
          data-testid="cull-flag"
          data-flag={item.flag ?? ""}
        >
          Pick (P)
        </button>
        <button
          className={`rounded px-3 py-1 ${item.flag === "REJECT" ? "bg-red-600" : "border border-neutral-600 hover:bg-neutral-800"}`}
          aria-pressed={item.flag === "REJECT"}
          onClick={() => decide({ flag: item.flag === "REJECT" ? null : "REJECT" })}
        >
          Reject (X)
        </button>
        <span className="flex" role="group" aria-label="Stars" data-testid="cull-rating" data-rating={item.rating ?? 0}>
          {[1, 2, 3, 4, 5].map((n) => (
            <button
              key={n}
              className={`px-1 text-xl ${item.rating && n <= item.rating ? "text-amber-400" : "text-neutral-600"}`}
              aria-label={`${n} star${n > 1 ? "s" : ""}`}
              aria-pressed={item.rating === n}
              onClick={() => decide({ rating: item.rating === n ? null : n })}
            >
              ★
            </button>
          ))}
        </span>
        <button className="rounded border border-neutral-600 px-3 py-1 hover:bg-neutral-800" onClick={() => move(1)} aria-label="Next photo">→</button>
      </div>
      <p className="pb-3 text-center text-xs text-neutral-400">
        ← → move · P pick · X reject · U unflag · 1-5 stars · 0 no stars · Esc close
        <span className="ml-3 text-neutral-200" role="status" data-testid="cull-status">{status}</span>
      </p>
    </div>
  );
}
