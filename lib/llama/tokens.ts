// Token arithmetic shared by the providers (an upper-bound estimate for the
// tokens-per-minute budget) and the local test server (what it charges).
//
// Cost of one request, as the test server charges it:
//   ceil(text characters / 4) + images x IMAGE_TOKENS + max_completion_tokens
// Meta does not publish what the API bills for an image. IMAGE_TOKENS is Llama 4's
// worst case: at most 16 tiles of 336 px plus one global tile, each 24x24 patches of
// 14 px reduced 4x by pixel shuffle = 144 tokens: 17 x 144 = 2,448. An upper bound
// keeps the tokens-per-minute budget safe; the live x-ratelimit-*-tokens headers
// correct it whatever the true figure.

export const IMAGE_TOKENS = 17 * 144;
/** Room left for one photo's JSON answer; also sent as max_completion_tokens. */
export const COMPLETION_TOKENS_PER_PHOTO = 700;

export function maxCompletionTokens(photos: number): number {
  return 100 + photos * COMPLETION_TOKENS_PER_PHOTO;
}

/** What the test server charges for a request (see formula above). */
export function requestCost(textChars: number, images: number, maxCompletion: number): number {
  return Math.ceil(textChars / 4) + images * IMAGE_TOKENS + maxCompletion;
}

/** Upper bound of requestCost for a prompt: text counted at 3 characters a token, plus message overhead. */
export function estimateRequestTokens(promptChars: number, photos: number): number {
  return Math.ceil(promptChars / 3) + 32 + photos * IMAGE_TOKENS + maxCompletionTokens(photos);
}
