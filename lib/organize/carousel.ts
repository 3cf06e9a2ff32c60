// The suggested order of an Instagram carousel (at most 20 slides since 2025;
// Instagram shows every slide in the first slide's shape, so the preview and
// every export cut all slides to the cover's ratio - crops.ts, carouselRatio): the cover
// is the photo with the best score (it is what the feed shows), the rest follow
// in the order they were taken so the carousel tells the day as it happened;
// photos without a date go last, best first.
import { compareByScore } from "./best";

export const CAROUSEL_MAX = 20;

export interface CarouselCandidate {
  id: string;
  instagramScore: number | null;
  qualityScore: number | null;
  takenAt: Date | null;
}

export function suggestCarousel(photos: CarouselCandidate[]): string[] {
  const chosen = [...photos].sort(compareByScore).slice(0, CAROUSEL_MAX);
  const [cover, ...rest] = chosen;
  if (!cover) return [];
  rest.sort((a, b) => {
    if (a.takenAt && b.takenAt) return a.takenAt.getTime() - b.takenAt.getTime() || compareByScore(a, b);
    if (a.takenAt) return -1;
    if (b.takenAt) return 1;
    return compareByScore(a, b);
  });
  return [cover.id, ...rest.map((p) => p.id)];
}
