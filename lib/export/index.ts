export { loadExportPlan, safeName, type ExportPlan, type ExportFolder, type ExportPhoto, type ExportTarget } from "./plan";
export { exportEntries, captionsCsv, captionsJson, type ExportEntry, type LoadOriginal } from "./entries";
export { zipStream } from "./zip";
export { exportSetToDirectory, type DirectoryExport } from "./directory";
export { zipResponse } from "./response";
export { renderInstagramJpeg, MAX_UPLOAD_BYTES } from "./instagram-jpeg";
export { xmpSidecar } from "./xmp";
