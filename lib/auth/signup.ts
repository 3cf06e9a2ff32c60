// Sign-up: a user and their personal team (as owner) are created together.
//
// The public answer never says whether the e-mail already had an account
// (signUpRequest): the same status and words either way, and the same work (one
// password hash) before it. docs/decisions/017-sign-up-answer.md
import { z } from "zod";
import { db, Prisma } from "@/lib/db";
import { AppError, conflict } from "@/lib/errors";
import { hashPassword, passwordSchema } from "./password";
import { reserveSignUp } from "./throttle";

export const signUpSchema = z.object({
  email: z.string().trim().toLowerCase().email("Enter a valid email address.").max(254),
  name: z.string().trim().min(1, "Enter your name.").max(100),
  password: passwordSchema,
});

export type SignUpInput = z.infer<typeof signUpSchema>;

/** What every accepted sign-up is told, new e-mail or not. */
export const SIGN_UP_ANSWER =
  "If this e-mail is new, your account is ready and you can sign in. If it already has an account, sign in with that account's password.";

/** Creates the account and its personal team; a taken e-mail is a conflict (for callers that may know). */
export async function signUp(input: SignUpInput): Promise<{ userId: string; teamId: string }> {
  // Hash first, whether or not the e-mail is taken: the time of the answer must not tell.
  const passwordHash = await hashPassword(input.password);
  try {
    return await db().$transaction(async (tx) => {
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
  } catch (err) {
    // The unique e-mail index decides, so two sign-ups racing for one e-mail make one account.
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      throw conflict("An account with this email already exists. Sign in instead.");
    }
    throw err;
  }
}

/**
 * POST /api/signup: throttled per client address (when known), and answered
 * the same whether an account was made or the e-mail was taken.
 */
export async function signUpRequest(input: SignUpInput, address: string | null): Promise<{ message: string }> {
  if (!(await reserveSignUp(address))) {
    throw new AppError("too_many_requests", "Too many sign-ups from your network. Try again in 15 minutes.");
  }
  try {
    await signUp(input);
  } catch (err) {
    if (!(err instanceof AppError && err.code === "conflict")) throw err;
  }
  return { message: SIGN_UP_ANSWER };
}
