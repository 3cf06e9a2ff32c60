// What a visitor of a share link sees: the album's name, its photos in order
// with their captions, and nothing else of the team (no team name, no set, no
// scores, no other albums).
import { getAlbum } from "@/lib/organize";
import type { ExportRatio } from "@/lib/organize/crops";
import type { ResolvedShare } from "./links";

export interface SharedAlbum {
  name: string;
  /** A carousel is shown as its slides in order; any other album as a profile grid. */
  carousel: boolean;
  /** A carousel's one shape, its cover's: every slide is shown (and downloaded) cut to it. */
  slideRatio: ExportRatio | null;
  allowDownload: boolean;
  photos: {
    id: string;
    width: number | null;
    height: number | null;
    caption: string | null;
    hashtags: string[];
    altText: string | null;
    crop45: { x: number; y: number; width: number; height: number } | null;
    /** A carousel slide's exact crop at slideRatio. */
    slide: { x: number; y: number; width: number; height: number } | null;
  }[];
}

export async function sharedAlbumView(share: ResolvedShare): Promise<SharedAlbum> {
  // Reads never write: a visitor sees the album as last refreshed (when results
  // landed, an edit, a finished run - docs/decisions/005). Refreshing here let
  // every anonymous GET take the set's lock and run the recompute.
  const a = await getAlbum(share.teamId, share.albumId);
  return {
    name: a.name,
    carousel: a.kind === "CAROUSEL",
    slideRatio: a.slideRatio,
    allowDownload: share.allowDownload,
    photos: a.photos.map((p) => ({
      id: p.id,
      width: p.width,
      height: p.height,
      caption: p.caption,
      hashtags: p.hashtags,
      altText: p.altText,
      crop45: p.crop45,
      slide: p.slide,
    })),
  };
}
