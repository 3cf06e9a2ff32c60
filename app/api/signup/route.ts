// POST /api/signup - create an account and its personal team. The answer is
// the same for a new e-mail and a taken one (lib/auth/signup.ts).
import { clientAddress, signUpRequest, signUpSchema } from "@/lib/auth";
import { readJson, route } from "@/lib/http";

export const POST = route(async (req) => {
  const input = await readJson(req, signUpSchema);
  return Response.json(await signUpRequest(input, clientAddress(req.headers)), { status: 202 });
});
