// POST /api/signup - create an account and its personal team
import { signUp, signUpSchema } from "@/lib/auth";
import { readJson, route } from "@/lib/http";

export const POST = route(async (req) => {
  const input = await readJson(req, signUpSchema);
  const { teamId } = await signUp(input);
  return Response.json({ teamId }, { status: 201 });
});
