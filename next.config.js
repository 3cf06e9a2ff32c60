// @ts-check
const dev = process.env.NODE_ENV !== "production";

// The headers every answer carries. One list, in lib/server/security-headers.json,
// because the app server also answers the progress poll itself
// (lib/server/progress-poll.ts) and must send the same ones.
// Next's own bootstrap uses inline scripts, so script-src keeps 'unsafe-inline';
// everything else is locked to this origin, and no site may frame the app.
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
