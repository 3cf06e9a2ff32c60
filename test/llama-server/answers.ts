// Deterministic fake analyses for the test server: every value is derived from
// a hash of the image, so the same image always gets the same answer. They are
// valid against the schema the providers send, labelled as test output, and as
// long as a real model's (~400-600 tokens a photo at 4 characters a token),
// because the server's latency and token charge grow with the answer's length.
import { createHash } from "node:crypto";
import { CATEGORIES, type AiAnalysis, type CropBox, type InstagramRatio } from "@/lib/llama/types";
import { createRng } from "./rng";

const SUBJECTS: Record<(typeof CATEGORIES)[number], string[]> = {
  portrait: ["a woman with a wide smile", "an older man in a knitted cap", "a young person leaning on a doorframe"],
  people: ["a group of friends around a table", "two people walking side by side", "a crowd gathered at a street corner"],
  landscape: ["a valley under low clouds", "rolling hills with a single tree", "a lake framed by mountains"],
  nature: ["a fern unrolling in the undergrowth", "a mossy stream over dark stones", "wild flowers in a meadow"],
  urban: ["a busy crossing with trams", "a narrow street of painted facades", "a bus stop under neon signs"],
  architecture: ["a spiral staircase seen from below", "a glass tower reflecting the sky", "an old stone church portal"],
  food: ["a bowl of ramen with a soft egg", "a plate of fresh pastries", "a rustic pizza on a wooden board"],
  travel: ["a suitcase on a station platform", "a harbour with fishing boats", "a viewpoint over a coastal town"],
  animals: ["a dog shaking off water", "a cat asleep on a windowsill", "a heron standing in shallow water"],
  events: ["a stage lit in purple", "a wedding toast under string lights", "runners crossing a finish line"],
  fashion: ["a model in a long camel coat", "sneakers on a concrete step", "a silk scarf in the wind"],
  product: ["a ceramic mug on linen", "a watch on a slate surface", "a bottle of perfume in soft light"],
  art: ["a mural of a giant bird", "paint brushes in a jar", "a sculpture in an empty gallery"],
  sports: ["a surfer on a breaking wave", "a climber reaching for a hold", "a cyclist on a mountain road"],
  night: ["a city skyline after dark", "car light trails on a bridge", "a starry sky over a tent"],
  other: ["an arrangement of everyday objects", "a textured wall with peeling paint", "a quiet corner of a room"],
};
const LIGHT = ["soft morning light", "warm late-afternoon sun", "flat overcast light", "hard midday sun", "mixed artificial light", "blue-hour light"];
const FRAMING = [
  "The subject sits slightly off centre, leaving room on one side",
  "The horizon is close to the upper third and the foreground carries detail",
  "A shallow depth of field separates the subject from a busy background",
  "Leading lines draw the eye from the lower corner into the frame",
  "The frame is tight, with little space around the main subject",
];
const BACKGROUNDS = [
  "a softly blurred row of buildings behind",
  "open sky filling most of the upper half",
  "a cluttered background of shelves and signs",
  "trees and a low wall in the background",
  "water reflecting the light in the distance",
  "a plain, uncluttered backdrop",
];
const POSTING = [
  "Best posted in the early evening, when this kind of scene gets the most attention.",
  "Pair it with two or three related shots for a carousel.",
  "Use the 4:5 crop so it takes the most room in the feed.",
  "A short, personal caption will do more for it than a long one.",
];
const MOODS = ["calm", "lively", "nostalgic", "intimate", "energetic", "quiet", "playful", "moody"];
const DETAILS = [
  "Colours are natural, with a slight warm cast in the highlights.",
  "Some shadow detail is lost in the darkest areas, but nothing important.",
  "Fine textures hold up well when viewed at full size.",
  "Small distractions near the edges could be cropped away.",
  "There is mild noise in the flat areas of the sky.",
];
const QUALITY = [
  "Focus is sharp on the subject and exposure is balanced",
  "Exposure is slightly bright in the highlights but recoverable",
  "Sharpness falls off towards the corners",
  "The white balance leans warm, which suits the scene",
  "Composition is clean, though the horizon tilts a little",
];
const APPEAL = [
  "Strong subject and clear story that reads well at thumbnail size",
  "Pleasant but familiar; it needs a caption that gives context",
  "Colour and contrast stand out in a feed",
  "Works best as part of a carousel rather than alone",
  "The vertical crop will fill the screen on a phone",
];
const CAPTION_OPENERS = ["Some days look exactly like this.", "Saving this one for a grey afternoon.", "Found a little moment worth keeping.", "Proof that the light does most of the work."];
const CAPTION_MIDDLE = [
  "We set out early to beat the crowds and ended up staying far longer than planned.",
  "Nothing staged here: this is just how the scene looked when we turned the corner.",
  "I keep coming back to this place because it never looks the same way twice.",
  "The colours were even better in person, but this comes close to how it felt.",
  "It took a few tries and a lot of patience before everything lined up like this.",
  "A small reminder to slow down and look around once in a while.",
];
const FIXES = [
  "Lifting the shadows a little and straightening the frame would help.",
  "A slightly tighter crop would remove the distraction on the edge.",
  "Reducing the highlights by a stop would bring back texture.",
  "A touch of sharpening on the subject would make it stand out more.",
];
const CAPTION_ASKS = ["Where would you go next?", "Tell me what you see first.", "Would you have framed it differently?", "Which detail caught your eye?"];
const WORDS = ["light", "colour", "texture", "morning", "evening", "weekend", "story", "detail", "moment", "season", "walk", "view", "shadow", "pattern", "calm"];

const pick = <T>(rng: () => number, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;

/** Rounded to 4 decimals as a model writes them (and shorter than a float's 17 digits). */
const r4 = (n: number) => Math.round(n * 10_000) / 10_000;

/**
 * A crop of the ratio in pixels when the image's size is known (what a good
 * model answers, so a perfect answer needs no repair), between 60% and all of
 * the largest such crop; without a size, some box inside the image.
 */
function crop(rng: () => number, ratio: InstagramRatio, size: ImageSize | undefined): CropBox {
  const [w, h] = ratio.split(":").map(Number) as [number, number];
  const scale = 0.6 + rng() * 0.4;
  let width: number;
  let height: number;
  if (size) {
    const fullWidth = Math.min(1, (size.height * (w / h)) / size.width);
    const fullHeight = Math.min(1, (size.width / (w / h)) / size.height);
    width = r4(fullWidth * scale);
    height = r4(fullHeight * scale);
  } else {
    width = r4(0.5 + rng() * 0.5);
    height = r4(0.5 + rng() * 0.5);
  }
  return { x: r4((1 - width) * rng()), y: r4((1 - height) * rng()), width, height };
}

export interface ImageSize {
  width: number;
  height: number;
}

/**
 * `imageKey` is whatever identifies the image (the data URL itself is fine:
 * hashing it is cheap); `size`, its pixel size when known, makes the crops
 * exact in their ratio.
 */
export function fakeAnalysis(imageKey: string, size?: ImageSize): AiAnalysis {
  const h = createHash("sha1").update(imageKey).digest();
  const hex = h.toString("hex").slice(0, 8);
  const rng = createRng(h.readUInt32LE(0));
  const category = CATEGORIES[h[0]! % CATEGORIES.length]!;
  const subject = pick(rng, SUBJECTS[category]);
  const light = pick(rng, LIGHT);
  const mood = pick(rng, MOODS);
  // Two or three sentences, as the prompt asks, so lengths vary per image.
  const sentences = [
    `Test image ${hex} shows ${subject} in ${light}, with ${pick(rng, BACKGROUNDS)}, a ${category} photo (generated by the local test server, not a real analysis).`,
    `${pick(rng, FRAMING)}, and the overall mood is ${mood}.`,
    ...(rng() < 0.6 ? [pick(rng, DETAILS)] : []),
  ];
  const captionMiddle = [...CAPTION_MIDDLE].sort(() => rng() - 0.5).slice(0, 2 + Math.floor(rng() * 4));
  const tagCount = 10 + Math.floor(rng() * 6);
  const tags = [category, mood, "test_server", `tag_${hex.slice(0, 4)}`];
  while (tags.length < tagCount) {
    const w = pick(rng, WORDS);
    if (!tags.includes(w)) tags.push(w);
  }
  const hashtagWords = [category, mood, pick(rng, WORDS)].filter((w, i, all) => all.indexOf(w) === i);
  return {
    description: sentences.join(" "),
    category,
    tags,
    quality: {
      score: (h[1]! % 101) / 10,
      reason: `${pick(rng, QUALITY)}. ${pick(rng, DETAILS)} ${pick(rng, FIXES)} Generated by the local test server.`,
    },
    instagram: {
      score: (h[2]! % 101) / 10,
      reason: `${pick(rng, APPEAL)}. The ${mood} mood suits an audience that follows ${category} accounts. ${pick(rng, POSTING)} Generated by the local test server.`,
    },
    caption: `${pick(rng, CAPTION_OPENERS)} ${subject[0]!.toUpperCase()}${subject.slice(1)}, ${light} and a ${mood} feeling. ${captionMiddle.join(" ")} ${
      rng() < 0.5 ? "Taken on an ordinary day that turned out better than planned. " : ""
    }${pick(rng, CAPTION_ASKS)} (Generated by the local test server for image ${hex}.)`,
    // At most 5 (Instagram's limit since December 2025), each a clean '#word': the perfect answer.
    // The imperfect mode (imperfect.ts) is where a '#' goes missing or a space creeps in.
    hashtags: [...hashtagWords.map((w) => `#${w}`), "#testserver", `#img_${hex}`],
    altText: `${subject[0]!.toUpperCase()}${subject.slice(1)} in ${light} (local test server).`.slice(0, 125),
    crops: { "4:5": crop(rng, "4:5", size), "1:1": crop(rng, "1:1", size), "1.91:1": crop(rng, "1.91:1", size) },
    problems: h[9]! % 4 === 0 ? ["noise"] : [],
  };
}
