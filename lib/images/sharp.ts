// Process-wide sharp settings for a server that handles many large photos.
import sharp from "sharp";

let done = false;

export function configureSharp(): typeof sharp {
  if (!done) {
    // libvips' operation cache keeps decoded inputs around; photos are each
    // processed once, so the cache only costs memory.
    sharp.cache(false);
    done = true;
  }
  return sharp;
}
