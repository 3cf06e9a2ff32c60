// Messages between the face stage (client.ts) and its detector process (child.ts).
import type { FaceFact } from "./measure";

export interface ScanRequest {
  id: number;
  contentHash: string;
}

export type ScanReply = { id: number; ok: true; faces: FaceFact[] } | { id: number; ok: false; error: string };
