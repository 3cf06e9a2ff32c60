// Where sign-in may send the browser: only paths of the app's own origin.
import { describe, expect, it } from "vitest";
import { sameOriginPath } from "@/lib/auth/redirect";

const origin = "https://photos.example.test";

describe("sameOriginPath", () => {
  it("keeps paths of this site with their query and fragment", () => {
    expect(sameOriginPath("/teams/new", origin)).toBe("/teams/new");
    expect(sameOriginPath("/invite/abc?x=1#top", origin)).toBe("/invite/abc?x=1#top");
    expect(sameOriginPath(`${origin}/t/1`, origin)).toBe("/t/1");
  });

  it.each([
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "  //evil.example",
    "/.//evil.example",
    "/..//evil.example",
    "https://evil.example/",
    "http://photos.example.test/x", // same host, other scheme: another origin
    "https://photos.example.test.evil.example/",
    "https://photos.example.test@evil.example/",
    "javascript:alert(1)",
    "data:text/html,hi",
  ])("refuses %j", (target) => {
    expect(sameOriginPath(target, origin)).toBe("/");
  });

  it("answers the fallback for nothing, non-strings and an unusable origin", () => {
    expect(sameOriginPath(null, origin)).toBe("/");
    expect(sameOriginPath(undefined, origin, "/home")).toBe("/home");
    expect(sameOriginPath("", origin)).toBe("/");
    expect(sameOriginPath(["/x"], origin)).toBe("/");
    expect(sameOriginPath("/x", "not a url")).toBe("/");
  });

  it("a relative path resolves on this origin", () => {
    expect(sameOriginPath("teams/new", origin)).toBe("/teams/new");
    expect(sameOriginPath("/%2F%2Fevil.example", origin)).toBe("/%2F%2Fevil.example");
  });
});
