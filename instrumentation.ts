// Runs once when the Next.js server starts: bring the database schema up to
// date before the first request, then start the background workers.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startServerBackground } = await import("./lib/server/background");
  await startServerBackground();
}
