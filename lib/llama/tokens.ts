// Token arithmetic shared by the providers (an upper-bound estimate for the
// tokens-per-minute budget) and the local test server (what it charges).
//
// Cost of one request, as the test server charges it:
//   ceil(text characters / 4) + images x IMAGE_TOKENS + max_completion_tokens
// Meta does not publish its image token count; IMAGE_TOKENS assumes a <=1024 px
// analysis image (Llama 4 splits images into 336 px tiles of ~144 tokens). The
// live x-ratelimit-*-tokens headers correct the budget whatever the true figure.

export const IMAGE_TOKENS = 1_600;
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
