// POST /api/teams/:teamId/sets/:setId/uploads/check - which of these SHA-256 hashes the set already has;
//   with names, a held file's other name is kept (member+).
// The uploader asks before sending bytes, so re-dropping a folder sends only what is missing.
import { id, readJson, route } from "@/lib/http";
import { existingHashes, hashesBody } from "@/lib/images";

export const POST = route({ role: "MEMBER", params: { setId: id } }, async (req, { params: { setId }, team }) => {
  const { hashes, names } = await readJson(req, hashesBody);
  return { existing: await existingHashes(team.id, setId, hashes, names) };
});
