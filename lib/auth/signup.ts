// Sign-up: a user and their personal team (as owner) are created together.
import { z } from "zod";
import { db } from "@/lib/db";
import { conflict } from "@/lib/errors";
import { hashPassword, passwordSchema } from "./password";

export const signUpSchema = z.object({
  email: z.string().trim().toLowerCase().email("Enter a valid email address.").max(254),
  name: z.string().trim().min(1, "Enter your name.").max(100),
  password: passwordSchema,
});

export async function signUp(input: z.infer<typeof signUpSchema>): Promise<{ userId: string; teamId: string }> {
  const existing = await db().user.findUnique({ where: { email: input.email }, select: { id: true } });
  if (existing) throw conflict("An account with this email already exists. Sign in instead.");
  const passwordHash = await hashPassword(input.password);
  return db().$transaction(async (tx) => {
    const team = await tx.team.create({ data: { name: `${input.name}'s team`, personal: true } });
    const user = await tx.user.create({
      data: {
        email: input.email,
        name: input.name,
        passwordHash,
        currentTeamId: team.id,
        memberships: { create: { teamId: team.id, role: "OWNER" } },
      },
    });
    return { userId: user.id, teamId: team.id };
  });
}
