// @ts-check
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
  typedRoutes: false,
  eslint: undefined,
};

module.exports = nextConfig;
