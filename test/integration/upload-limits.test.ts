// The upload route's multipart parser holds text fields in memory: they are
// bounded in size and number (the uploader sends only file parts), and a body
// over those bounds is refused with 413 instead of being buffered.
import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { receiveUpload } from "@/lib/images/pipeline";
import { sceneJpeg } from "@/test/helpers/images";
import { teamWithSet } from "@/test/helpers/ingest-fixture";

function multipart(parts: { name: string; value: string | Buffer; filename?: string }[]): Request {
  const boundary = `----limits${randomBytes(6).toString("hex")}`;
  const body = Buffer.concat([
    ...parts.flatMap((p) => [
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"\r\nContent-Type: image/jpeg` : ""}\r\n\r\n`,
      ),
      Buffer.isBuffer(p.value) ? p.value : Buffer.from(p.value),
      Buffer.from("\r\n"),
    ]),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
  return new Request("http://localhost/upload", { method: "POST", headers: { "content-type": `multipart/form-data; boundary=${boundary}` }, body });
}

it("refuses a text field over 1 KB and more than 10 text fields with 413; a few small ones beside a file are ignored", async () => {
  const { team, set } = await teamWithSet();
  const target = { teamId: team.id, setId: set.id };
  const file = { name: "file", value: await sceneJpeg(1401), filename: "a.jpg" };

  const long = receiveUpload(multipart([{ name: "note", value: "x".repeat(2000) }, file]), target);
  await expect(long).rejects.toMatchObject({ status: 413, message: expect.stringContaining("too long") });

  const many = Array.from({ length: 11 }, (_, i) => ({ name: `f${i}`, value: "1" }));
  await expect(receiveUpload(multipart([...many, file]), target)).rejects.toMatchObject({ status: 413, message: "At most 10 text fields per request." });

  const ok = await receiveUpload(multipart([{ name: "relativePath", value: "trip/a.jpg" }, file]), target);
  expect(ok).toEqual([expect.objectContaining({ name: "a.jpg", ok: true })]);
});
