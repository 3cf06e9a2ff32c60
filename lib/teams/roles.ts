// Roles are ordered: each can do what the ones below it can.
import type { Role } from "@/lib/db";

export const ROLES = ["OWNER", "ADMIN", "MEMBER", "VIEWER"] as const satisfies readonly Role[];
const RANK: Record<Role, number> = { VIEWER: 1, MEMBER: 2, ADMIN: 3, OWNER: 4 };

export function atLeast(role: Role, min: Role): boolean {
  return RANK[role] >= RANK[min];
}

/** An admin manages members and viewers but cannot touch owners or make one. */
export function canAssign(actor: Role, target: Role): boolean {
  return actor === "OWNER" || (actor === "ADMIN" && target !== "OWNER");
}
