// "ok", or the AppError code a promise rejects with; any other error is rethrown.
import { AppError } from "@/lib/errors";

export async function errorCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
}
