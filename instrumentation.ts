// Runs once when the Next.js server starts: hand the app server the progress
// poll it answers without Next's pipeline and the workers' shutdown
// (lib/server/from-next.ts), bring the database schema up to date before the
// first request, then start the background workers.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const [fromNext, { answerProgressPoll }, background] = await Promise.all([
    import("./lib/server/from-next"),
    import("./lib/server/progress-poll"),
    import("./lib/server/background"),
  ]);
  fromNext.registerFastRoute(answerProgressPoll);
  fromNext.registerShutdown(background.stopServerBackground);
  await background.startServerBackground();
}
