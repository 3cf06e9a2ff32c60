// @ts-check
const dev = process.env.NODE_ENV !== "production";

// The headers every answer carries. One list, in lib/server/security-headers.json,
// because the app server also answers the progress poll itself
// (lib/server/progress-poll.ts) and must send the same ones.
// Pages get the same list with a per-request nonce in script-src (proxy.ts):
// Next's bootstrap is inline scripts, which then run by nonce, never by
// 'unsafe-inline'. Everything is locked to this origin; no site may frame the app.
const security = require("./lib/server/security-headers.json");
const csp = security.contentSecurityPolicy
  .map((d) => (dev && d.startsWith("script-src") ? `${d} 'unsafe-eval'` : d))
  .join("; ");

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and WASM server libraries are loaded by Node at run time, not bundled.
  serverExternalPackages: [
    "sharp",
    "@electric-sql/pglite",
    "pglite-prisma-adapter",
    "@prisma/adapter-pg",
    "pg",
    "bottleneck",
    "ioredis",
    "archiver",
    "busboy",
    "exifr",
  ],
  poweredByHeader: false,
  // The app never uses next/image, and Next's optimizer at /_next/image kept
  // its own cached copies of what it fetched: a revoked or expired share's
  // images stayed public there for hours (issue 13). Off, it answers 404.
  images: { unoptimized: true },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "Content-Security-Policy", value: csp },
          ...Object.entries(security.headers).map(([key, value]) => ({ key, value })),
        ],
      },
    ];
  },
};

module.exports = nextConfig;
