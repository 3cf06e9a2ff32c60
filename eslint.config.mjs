import { existsSync, readdirSync } from "node:fs";
import js from "@eslint/js";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import importX from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

// Boundaries (docs/decisions/023-boundaries-kept-by-the-linter.md). Data flows
// app -> lib/<area> -> lib/db; an area is reached from outside through its
// index (`@/lib/images`, never `@/lib/images/pipeline`).
// Every folder of lib/ with an index.ts is such an area.
const AREAS = readdirSync(new URL("./lib", import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(new URL(`./lib/${d.name}/index.ts`, import.meta.url)))
  .map((d) => d.name);
// Modules other areas may import directly, each for a reason: leaves that load
// no other area's server code (so a browser bundle, the face detector process
// or a lower area uses them without pulling an index and the database in), and
// the image worker, whose use of lib/organize would close a cycle in the index.
const PUBLIC_LEAVES = {
  llama: ["types"], // the answer contract: categories, ratios, crop boxes (client components use it)
  auth: ["redirect"], // sameOriginPath, used by the sign-in form in the browser
  organize: ["crops"], // pure crop geometry, used by lib/llama's repair and lib/export
  images: ["wake", "sharp", "metrics", "pipeline"], // the upload signal; decode with the pixel guard and pixel statistics (face detector process); the image worker (lib/images/index.ts)
  storage: ["local"], // the file store alone, without the quota and reclaim (which load the database): detector process, image bench
};

function areaPatterns(except) {
  const patterns = AREAS.filter((a) => a !== except).map((a) => ({
    group: [`@/lib/${a}/*`, ...(PUBLIC_LEAVES[a] ?? []).map((leaf) => `!@/lib/${a}/${leaf}`)],
    message: `Import lib/${a} through its index: "@/lib/${a}".`,
  }));
  patterns.push({ group: ["@/lib/generated/*"], message: 'The Prisma client and its types come from "@/lib/db".' });
  patterns.push({ group: ["@/lib/cli/*"], message: "lib/cli holds entry points: nothing imports them." });
  return patterns;
}

const boundaries = [
  {
    files: ["app/**/*.ts", "app/**/*.tsx"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [{ name: "@/lib/db", message: "app/ reaches the database only through lib/ functions." }],
          patterns: areaPatterns(null),
        },
      ],
    },
  },
  {
    files: ["lib/*.ts", "proxy.ts", "instrumentation.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: areaPatterns(null) }] },
  },
  ...["cli", "server", ...AREAS.filter((a) => a !== "cli" && a !== "server")].map((area) => ({
    files: [`lib/${area}/**/*.ts`, `lib/${area}/**/*.tsx`],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            ...areaPatterns(area).filter((p) => area !== "db" || !p.group[0].startsWith("@/lib/generated/")),
            { group: ["../*"], message: 'Another area is reached as "@/lib/<area>", not by a relative path.' },
          ],
        },
      ],
    },
  })),
];

export default tseslint.config(
  { ignores: ["node_modules/", ".next/", "lib/generated/", "data/", "test/schema-diff/", "next-env.d.ts", "**/*.mjs", "**/*.js"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["app/**/*.ts", "app/**/*.tsx", "lib/**/*.ts", "proxy.ts", "instrumentation.ts"],
    plugins: { "import-x": importX },
    settings: {
      ...Object.fromEntries(Object.entries(importX.flatConfigs.typescript.settings).filter(([k]) => k !== "import-x/resolver")),
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: "./tsconfig.json" })],
    },
    rules: { "import-x/no-cycle": ["error", { ignoreExternal: true }] },
  },
  ...boundaries,
);
