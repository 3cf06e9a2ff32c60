import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { AppError, toErrorBody } from "@/lib/errors";
import { ImageError } from "@/lib/images/errors";
import { assertSameOrigin, parseParams, readJson } from "@/lib/http";
import { canAssign, atLeast } from "@/lib/teams/roles";
import { hashPassword, passwordSchema, verifyPassword } from "@/lib/auth/password";

describe("error mapping", () => {
  it("maps each kind of error to one HTTP answer", () => {
    expect(toErrorBody(new AppError("not_found", "Set not found"))).toMatchObject({ status: 404, body: { error: { message: "Set not found" } } });
    const zerr = z.object({ name: z.string() }).safeParse({ name: 3 }).error!;
    const mapped = toErrorBody(zerr);
    expect(mapped.status).toBe(400);
    expect(mapped.body.error.message).toMatch(/^name: /);
    expect(toErrorBody({ code: "P2002" }).status).toBe(409);
    // A photo the pipeline cannot read, met by a request (its preview): the reason, not a 500.
    expect(toErrorBody(new ImageError("The image file is truncated."))).toMatchObject({
      status: 422,
      body: { error: { code: "unprocessable", message: "The image file is truncated." } },
    });
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const internal = toErrorBody(new Error("secret connection string leaked"));
    expect(internal.status).toBe(500);
    expect(JSON.stringify(internal.body)).not.toContain("secret");
    expect(log).toHaveBeenCalledOnce();
    log.mockRestore();
  });
});

describe("request guards", () => {
  const req = (method: string, headers: Record<string, string>) => new Request("http://app.test/api/x", { method, headers });
  it("refuses cross-site state changes and allows same-origin ones", () => {
    expect(() => assertSameOrigin(req("POST", { host: "app.test", origin: "http://evil.test" }))).toThrow(AppError);
    expect(() => assertSameOrigin(req("DELETE", { host: "app.test", "sec-fetch-site": "cross-site" }))).toThrow(AppError);
    expect(() => assertSameOrigin(req("POST", { host: "app.test", origin: "null" }))).toThrow(AppError);
    expect(() => assertSameOrigin(req("POST", { host: "app.test", origin: "http://app.test" }))).not.toThrow();
    expect(() => assertSameOrigin(req("GET", { host: "app.test", origin: "http://evil.test" }))).not.toThrow();
  });

  it("reads JSON bodies with clear 4xx answers", async () => {
    const schema = z.object({ n: z.number() });
    const post = (body: string) => new Request("http://app.test/", { method: "POST", body });
    await expect(readJson(post('{"n":1}'), schema)).resolves.toEqual({ n: 1 });
    await expect(readJson(post("{nope"), schema)).rejects.toMatchObject({ status: 400 });
    await expect(readJson(post('{"n":"1"}'), schema)).rejects.toBeInstanceOf(z.ZodError);
    await expect(readJson(post(`{"s":"${"x".repeat(1024 * 1024)}"}`), schema)).rejects.toMatchObject({ status: 413 });
    expect(() => parseParams(z.string().uuid(), "not-a-uuid")).toThrow(expect.objectContaining({ status: 404 }));
  });
});

describe("roles", () => {
  it("orders roles and limits what admins may assign", () => {
    expect(atLeast("ADMIN", "MEMBER")).toBe(true);
    expect(atLeast("VIEWER", "MEMBER")).toBe(false);
    expect(canAssign("ADMIN", "OWNER")).toBe(false);
    expect(canAssign("ADMIN", "VIEWER")).toBe(true);
    expect(canAssign("MEMBER", "VIEWER")).toBe(false);
    expect(canAssign("OWNER", "OWNER")).toBe(true);
  });
});

describe("passwords", () => {
  it("hashes with a salt and verifies", async () => {
    const [a, b] = await Promise.all([hashPassword("correct horse battery"), hashPassword("correct horse battery")]);
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse battery", a)).toBe(true);
    expect(await verifyPassword("correct horse batterz", a)).toBe(false);
    expect(await verifyPassword("x", "garbage")).toBe(false);
  });
  it("enforces the password rules", () => {
    expect(passwordSchema.safeParse("short").success).toBe(false);
    expect(passwordSchema.safeParse("aaaaaaaaaaaa").success).toBe(false);
    expect(passwordSchema.safeParse("a reasonable pass").success).toBe(true);
  });
});
