// docs/configuration.md must document every key, environment variable and flag.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { KEYS } from "@/lib/config";

const doc = readFileSync(path.join(__dirname, "../../docs/configuration.md"), "utf8");

describe("docs/configuration.md", () => {
  it.each(KEYS.map((k) => [k.path, k] as const))("documents %s with its env var and flag", (_, k) => {
    const row = doc.split("\n").find((l) => l.startsWith(`| \`${k.path}\` |`));
    expect(row, k.path).toBeDefined();
    if (k.env) expect(row).toContain(`\`${k.env}\``);
    if (k.flag) expect(row).toContain(`\`${k.flag}\``);
  });
});
