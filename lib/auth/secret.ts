// The session-signing secret: NEXTAUTH_SECRET when set, otherwise one generated
// on first start and kept in DATA_DIR, so a fresh clone works with no setup and
// sessions survive restarts.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { getEnv } from "@/lib/env";

let secret: string | undefined;

export function authSecret(): string {
  if (secret) return secret;
  const env = getEnv();
  if (env.NEXTAUTH_SECRET) return (secret = env.NEXTAUTH_SECRET);
  const file = path.join(env.dataDir, "auth-secret");
  try {
    secret = readFileSync(file, "utf8").trim();
  } catch {
    mkdirSync(env.dataDir, { recursive: true });
    const fresh = randomBytes(32).toString("base64url");
    try {
      writeFileSync(file, fresh, { mode: 0o600, flag: "wx" });
      secret = fresh;
    } catch {
      secret = readFileSync(file, "utf8").trim(); // another process won the race
    }
  }
  return secret;
}
