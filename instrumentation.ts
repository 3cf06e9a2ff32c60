// Runs once when the Next.js server starts: offer the app server the progress
// poll it answers without Next's pipeline (lib/server/fast-routes.ts), bring the
// database schema up to date before the first request, then start the
// background workers.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const [{ registerFastRoute }, { answerProgressPoll }, { startServerBackground }] = await Promise.all([
    import("./lib/server/fast-routes"),
    import("./lib/server/progress-poll"),
    import("./lib/server/background"),
  ]);
  registerFastRoute(answerProgressPoll);
  await startServerBackground();
}
