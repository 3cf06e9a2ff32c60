// Exports: a streamed ZIP answer (response.ts: plan -> entries -> zip) for the
// web app, and an output folder on disk (directory.ts) for the command line.
export { exportSetToDirectory, type DirectoryExport } from "./directory";
export { zipResponse } from "./response";
