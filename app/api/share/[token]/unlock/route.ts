// POST /api/share/:token/unlock - { password }: sets a signed cookie that opens this one link (public)
import { NextResponse } from "next/server";
import { z } from "zod";
import { readJson, route } from "@/lib/http";
import { resolveShare, SHARE_ACCESS_TTL_S, shareCookieName, unlockShare } from "@/lib/share";

const body = z.object({ password: z.string().min(1).max(200) });

export const POST = route<{ token: string }>(async (req, { token }) => {
  const share = await resolveShare(token);
  const { password } = await readJson(req, body);
  const value = await unlockShare(share, password);
  const res = NextResponse.json({ ok: true });
  res.cookies.set(shareCookieName(share.id), value, {
    httpOnly: true,
    sameSite: "lax",
    secure: req.nextUrl.protocol === "https:",
    path: "/",
    maxAge: SHARE_ACCESS_TTL_S,
  });
  return res;
});
