// One photo: the preview with the suggested Instagram crops drawn over it, the
// model's analysis (or a plain "not analysed by AI"), EXIF, and the caption,
// hashtags and alt text with copy buttons and a member's edits.
import Link from "next/link";
import { notFound } from "next/navigation";
import { AppError } from "@/lib/errors";
import { CATEGORIES, INSTAGRAM_RATIOS } from "@/lib/llama/types";
import { faceAwareCrop, getPhotoDetail, listAlbumTargets, peopleText, toRelative } from "@/lib/organize";
import { atLeast, pageTeamAccess } from "@/lib/teams";
import { CopyButton } from "./copy-button";
import { AddToAlbum, EditForm, ReanalyseButton } from "./photo-actions";

export const dynamic = "force-dynamic";

const CROP_COLOURS: Record<(typeof INSTAGRAM_RATIOS)[number], string> = { "4:5": "#d6249f", "1:1": "#2563eb", "1.91:1": "#f59e0b" };

export default async function PhotoPage({ params }: { params: Promise<{ teamId: string; photoId: string }> }) {
  const { teamId, photoId } = await params;
  const { role } = await pageTeamAccess(teamId, "VIEWER", `/t/${teamId}/photos/${photoId}`);
  const canEdit = atLeast(role, "MEMBER");
  const d = await getPhotoDetail(teamId, photoId).catch((err: unknown) => {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  });
  const { photo: p, analysis: a, effective: e } = d;
  const albums = canEdit ? await listAlbumTargets(teamId) : [];
  // Every suggested crop is checked against the faces found (and moved to keep them in).
  const faceBoxes = d.faces?.faces.map((f) => f.box) ?? [];
  const crops =
    a && p.width && p.height
      ? INSTAGRAM_RATIOS.map((r) => {
          const c = faceAwareCrop(a.crops[r], r, p.width!, p.height!, faceBoxes);
          return { ratio: r, box: toRelative(c.rect, p.width!, p.height!), moved: c.moved, facesCut: c.facesCut };
        })
      : [];
  const moved = crops.filter((c) => c.moved);
  const cut = crops.filter((c) => c.facesCut > 0);
  const hashtagText = e.hashtags.join(" ");

  return (
    <div className="space-y-4">
      <Link href={`/t/${teamId}/sets/${p.setId}/results`} className="text-sm text-neutral-500 hover:underline">
        ← Results
      </Link>
      <h1 className="break-all text-2xl font-semibold">{p.originalName}</h1>
      {p.otherNames.length > 0 && (
        <p className="break-all text-sm text-neutral-600" data-testid="other-names">
          Also uploaded as {p.otherNames.join(", ")} (the same file, stored once)
        </p>
      )}
      <div className="grid gap-6 lg:grid-cols-[3fr_2fr]">
        <figure className="space-y-2">
          {p.unreadable ? (
            <div className="flex aspect-[4/3] w-full max-w-xl items-center justify-center rounded-md border border-dashed border-neutral-300 bg-neutral-50 p-6 text-center text-sm text-neutral-600" data-testid="no-preview">
              No preview: this file could not be read.
            </div>
          ) : (
          <div className="relative inline-block max-w-full" data-testid="crop-preview">
            <img src={`/api/teams/${teamId}/photos/${p.id}/preview`} alt={e.altText ?? p.originalName} className="block max-h-[70vh] max-w-full" />
            {crops.map((c) => (
              <div
                key={c.ratio}
                className="pointer-events-none absolute border-2"
                data-ratio={c.ratio}
                style={{
                  left: `${c.box.x * 100}%`,
                  top: `${c.box.y * 100}%`,
                  width: `${c.box.width * 100}%`,
                  height: `${c.box.height * 100}%`,
                  borderColor: CROP_COLOURS[c.ratio],
                }}
              >
                <span className="absolute left-0 top-0 px-1 text-xs text-white" style={{ background: CROP_COLOURS[c.ratio] }}>
                  {c.ratio}
                </span>
              </div>
            ))}
          </div>
          )}
          {crops.length > 0 && (
            <figcaption className="text-xs text-neutral-500">Suggested crops: 4:5 portrait, 1:1 square, 1.91:1 landscape.</figcaption>
          )}
          {moved.length > 0 && (
            <p className="text-xs text-sky-800" data-testid="crops-moved">
              Moved to keep the faces in: {moved.map((c) => c.ratio).join(", ")} (the suggested {moved.length === 1 ? "crop" : "crops"} cut a face).
            </p>
          )}
          {cut.map((c) => (
            <p key={c.ratio} className="text-xs text-amber-800" data-testid="crops-cut">
              {c.ratio} cannot hold all {d.faces?.count} faces: {c.facesCut} left out.
            </p>
          ))}
        </figure>

        <div className="space-y-4">
          {!e.aiAnalysed && (
            <p className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="not-ai">
              {a ? "Not analysed by AI: showing local measurements only (no caption or description; tags only from the faces found)." : notAnalysedText(p)}
            </p>
          )}
          {!p.unreadable && (
          <section className="card space-y-3 text-sm">
            <TextRow label="Caption" value={e.caption} edited={e.edited.caption} testId="caption" />
            <TextRow label="Hashtags" value={hashtagText || null} edited={e.edited.hashtags} testId="hashtags" />
            <TextRow label="Alt text" value={e.altText} testId="alt-text" />
            <div>
              <span className="text-neutral-500">Category</span> <strong data-testid="category">{e.category ?? "—"}</strong>
              {e.edited.category && <span className="ml-1 text-xs text-sky-700">(edited)</span>}
            </div>
            {canEdit && (
              <EditForm
                teamId={teamId}
                photoId={p.id}
                categories={[...CATEGORIES]}
                initial={{ caption: e.caption ?? "", hashtags: hashtagText, category: e.category ?? "" }}
                edited={e.edited}
              />
            )}
          </section>
          )}

          {a && (
            <section className="card space-y-1 text-sm" data-testid="analysis">
              <h2 className="font-semibold">Analysis</h2>
              {a.source === "ai" && <p>{a.description}</p>}
              <p>
                Quality <strong>{a.quality.score.toFixed(1)}</strong>/10 — {a.quality.reason}
              </p>
              {a.source === "ai" && (
                <>
                  <p>
                    Instagram <strong>{a.instagram.score.toFixed(1)}</strong>/10 — {a.instagram.reason}
                  </p>
                  {a.tags.length > 0 && <p className="text-neutral-600">Tags: {a.tags.join(", ")}</p>}
                </>
              )}
              {a.source === "local" && e.tags.length > 0 && (
                <p className="text-neutral-600" data-testid="local-tags">Tags: {e.tags.join(", ")} (from the faces found on this machine)</p>
              )}
              {a.problems.length > 0 && <p className="text-amber-800">Problems: {a.problems.join(", ").replace(/_/g, " ")}</p>}
              {d.analysisMeta && (
                <p className="text-xs text-neutral-500">
                  {d.analysisMeta.provider} · {d.analysisMeta.model} · prompt {d.analysisMeta.promptVersion}
                </p>
              )}
            </section>
          )}

          <section className="card text-sm">
            <h2 className="mb-1 font-semibold">Photo</h2>
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-0.5">
              <dt className="text-neutral-500">People</dt>
              <dd data-testid="faces">
                {d.faces ? peopleText(d.faces.count) : d.facesError ? "—" : p.unreadable ? "—" : "not looked for yet"}
                {d.faces && d.faces.problems.length > 0 && (
                  <span className="ml-1 text-amber-800" data-testid="face-problems">({d.faces.problems.map((x) => x.text).join("; ")})</span>
                )}
              </dd>
              <dt className="text-neutral-500">Size</dt>
              <dd>{p.width && p.height ? `${p.width} × ${p.height}` : "—"} · {(p.sizeBytes / 1024 / 1024).toFixed(1)} MB</dd>
              <dt className="text-neutral-500">Taken</dt>
              <dd>{p.exif.takenAt ? p.exif.takenAt.toISOString().slice(0, 16).replace("T", " ") : "—"}</dd>
              <dt className="text-neutral-500">Camera</dt>
              <dd>{[p.exif.cameraMake, p.exif.cameraModel].filter(Boolean).join(" ") || "—"}</dd>
              <dt className="text-neutral-500">Lens</dt>
              <dd>{p.exif.lens ?? "—"}</dd>
              <dt className="text-neutral-500">Location</dt>
              <dd>{p.exif.gpsLat !== null && p.exif.gpsLon !== null ? `${p.exif.gpsLat.toFixed(5)}, ${p.exif.gpsLon.toFixed(5)}` : "—"}</dd>
              <dt className="text-neutral-500">Sharpness</dt>
              <dd>{p.sharpness?.toFixed(1) ?? "—"}</dd>
              <dt className="text-neutral-500">Brightness</dt>
              <dd>{p.brightness !== null ? `${Math.round(p.brightness * 100)}%` : "—"}</dd>
              <dt className="text-neutral-500">Colours</dt>
              <dd className="flex gap-1">
                {p.dominantColors.map((c) => (
                  <span key={c} title={c} className="inline-block h-4 w-4 rounded border border-neutral-300" style={{ background: c }} />
                ))}
              </dd>
              <dt className="text-neutral-500">State</dt>
              <dd>{p.state.toLowerCase()}</dd>
            </dl>
          </section>

          {d.duplicates.length > 1 && (
            <section className="card text-sm">
              <h2 className="mb-1 font-semibold">Near-duplicates</h2>
              <ul>
                {d.duplicates.map((x) => (
                  <li key={x.id}>
                    <Link href={`/t/${teamId}/photos/${x.id}`} className={x.id === p.id ? "font-semibold" : "hover:underline"}>
                      {x.originalName}
                    </Link>
                    {x.isKeeper && <span className="ml-1 text-brand-600">keeper{d.keeperChosen ? "" : " (suggested)"}</span>}
                  </li>
                ))}
              </ul>
            </section>
          )}

          {d.albums.length > 0 && (
            <p className="text-sm text-neutral-600">
              In albums:{" "}
              {d.albums.map((al, i) => (
                <span key={al.id}>
                  {i > 0 && ", "}
                  <Link href={`/t/${teamId}/albums/${al.id}`} className="hover:underline">{al.name}</Link>
                </span>
              ))}
            </p>
          )}
          {canEdit && !p.unreadable && (
            <div className="flex flex-wrap items-center gap-3">
              <ReanalyseButton teamId={teamId} photoId={p.id} />
              {albums.length > 0 && <AddToAlbum teamId={teamId} photoId={p.id} albums={albums} />}
            </div>
          )}
        </div>
      </div>
    </div>
  );
}

/** Why there is no analysis, as one sentence: the reasons already end with their own full stop. */
function notAnalysedText(p: { state: string; stateReason: string | null; skipReason: string | null; unreadable: boolean }): string {
  const sentence = (s: string) => (/[.!?]$/.test(s.trim()) ? s.trim() : `${s.trim()}.`);
  if (p.unreadable) return `This file could not be read: ${sentence(p.stateReason ?? "the image could not be decoded")}`;
  if (p.state === "FAILED") return `The analysis failed: ${sentence(p.stateReason ?? "no reason was recorded")}`;
  if (p.state === "SKIPPED") return `Not analysed: ${sentence(p.skipReason ?? "skipped")}`;
  return `Not analysed yet (${p.state.toLowerCase()}).`;
}

function TextRow({ label, value, edited, testId }: { label: string; value: string | null; edited?: boolean; testId: string }) {
  return (
    <div>
      <div className="flex items-center justify-between">
        <span className="text-neutral-500">
          {label}
          {edited && <span className="ml-1 text-xs text-sky-700">(edited)</span>}
        </span>
        {value && <CopyButton text={value} label={`Copy ${label.toLowerCase()}`} />}
      </div>
      <p className="whitespace-pre-wrap" data-testid={testId}>{value ?? "—"}</p>
    </div>
  );
}
