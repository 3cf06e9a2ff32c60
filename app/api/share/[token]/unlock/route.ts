// POST /api/share/:token/unlock - { password }: sets a signed cookie that opens this one link (public)
import { NextResponse } from "next/server";
import { z } from "zod";
import { clientAddress, knownClientCookieOptions } from "@/lib/auth";
import { publicUrlIsHttps } from "@/lib/env";
import { readJson, route } from "@/lib/http";
import { resolveShare, SHARE_ACCESS_TTL_S, shareCookieName, unlockShare } from "@/lib/share";

const body = z.object({ password: z.string().min(1).max(200) });

export const POST = route<{ token: string }>(async (req, { token }) => {
  const share = await resolveShare(token);
  const { password } = await readJson(req, body);
  const cookies = Object.fromEntries(req.cookies.getAll().map((c) => [c.name, c.value]));
  const { access, setKnownClient } = await unlockShare(share, password, { address: clientAddress(req.headers), cookies });
  const res = NextResponse.json({ ok: true });
  if (setKnownClient) res.cookies.set(setKnownClient.name, setKnownClient.value, knownClientCookieOptions());
  res.cookies.set(shareCookieName(share.id), access, {
    httpOnly: true,
    sameSite: "lax",
    // By the configured public URL: behind a TLS-terminating proxy the request itself is plain http.
    secure: publicUrlIsHttps(),
    path: "/",
    maxAge: SHARE_ACCESS_TTL_S,
  });
  return res;
});
