// Polling for fault tests: wait until a condition over the database (or a
// process) holds, or fail with what was awaited. No timing is asserted.
export async function until(cond: () => Promise<boolean> | boolean, timeoutMs: number, what = "condition"): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
