// A perfect model answer for one photo, as the answer-contract tests need it:
// within every limit, hashtags already clean and crops inside the image and of
// their ratio in pixels, so the repair step must change nothing.
import { RATIO_VALUE } from "@/lib/organize/crops";
import { INSTAGRAM_RATIOS, type AiAnalysis, type CropBox, type InstagramRatio } from "@/lib/llama/types";

export interface Size {
  width: number;
  height: number;
}

/** 80% of the largest box of the ratio, a quarter of the way into the free space. */
export function ratioBox(ratio: InstagramRatio, size: Size): CropBox {
  const aspect = size.width / size.height;
  const r = RATIO_VALUE[ratio];
  const width = (aspect > r ? r / aspect : 1) * 0.8;
  const height = (aspect > r ? 1 : aspect / r) * 0.8;
  return { x: (1 - width) / 4, y: (1 - height) / 4, width, height };
}

export function perfectAnalysis(key: string, size: Size): AiAnalysis {
  return {
    description: `Photo ${key}: a harbour with fishing boats at dawn.`,
    category: "travel",
    tags: ["harbour", "boats", `photo_${key}`],
    quality: { score: 7.5, reason: "Sharp, well exposed." },
    instagram: { score: 8, reason: "Warm colours read well in a feed." },
    caption: `Early start, calm water (photo ${key}).`,
    hashtags: ["#harbour", "#goldenhour", `#photo_${key}`],
    altText: "Fishing boats moored in a calm harbour at sunrise.",
    crops: Object.fromEntries(INSTAGRAM_RATIOS.map((r) => [r, ratioBox(r, size)])) as AiAnalysis["crops"],
    problems: [],
  };
}
