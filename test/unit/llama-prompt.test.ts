import { describe, expect, it } from "vitest";
import { PROMPT_VERSION, batchJsonSchema, buildPrompt } from "@/lib/llama/prompt";
import { aiAnalysisSchema } from "@/lib/llama/types";

type Node = Record<string, unknown>;
/** Every object node of a JSON Schema, with its path. */
function objects(node: unknown, path = "$"): [string, Node][] {
  if (typeof node !== "object" || node === null) return [];
  const n = node as Node;
  const here: [string, Node][] = n.type === "object" ? [[path, n]] : [];
  const props = Object.entries((n.properties as Record<string, unknown>) ?? {}).flatMap(([k, v]) => objects(v, `${path}.${k}`));
  return [...here, ...props, ...objects(n.items, `${path}[]`)];
}

describe("batchJsonSchema", () => {
  const schema = batchJsonSchema(3);
  const text = JSON.stringify(schema);
  it("is plain JSON Schema the API accepts: no $ref, no $schema, no regex patterns", () => {
    expect(text).not.toContain("$ref");
    expect(text).not.toContain("$schema");
    expect(text).not.toContain('"pattern"');
  });
  it("asks for exactly N entries, each with an index 1..N and every analysis field required", () => {
    const photos = (schema.properties as Record<string, Record<string, unknown>>).photos!;
    expect(photos).toMatchObject({ type: "array", minItems: 3, maxItems: 3 });
    const item = photos.items as { required: string[]; properties: Record<string, { minimum?: number; maximum?: number }> };
    expect(item.properties.index).toMatchObject({ minimum: 1, maximum: 3 });
    expect([...item.required].sort()).toEqual([...Object.keys(aiAnalysisSchema.shape), "index"].sort());
  });
  it("is closed: every object forbids other fields and requires all of its own", () => {
    const all = objects(schema);
    expect(all.length).toBeGreaterThanOrEqual(8);
    for (const [path, node] of all) {
      expect(node.additionalProperties, path).toBe(false);
      expect([...(node.required as string[])].sort(), path).toEqual(Object.keys(node.properties as object).sort());
    }
  });
  it("sends Instagram's limits and every bound JSON Schema can state", () => {
    const entry = ((schema.properties as Node).photos as Node).items as Node;
    const p = entry.properties as Record<string, Node>;
    expect(p.hashtags).toMatchObject({ type: "array", maxItems: 5, items: { type: "string", minLength: 1, maxLength: 100 } });
    expect(p.caption).toMatchObject({ type: "string", minLength: 1, maxLength: 2200 });
    expect(p.altText).toMatchObject({ type: "string", minLength: 1, maxLength: 250 });
    expect(p.description).toMatchObject({ minLength: 1, maxLength: 1000 });
    expect(p.tags).toMatchObject({ maxItems: 20, items: { minLength: 1, maxLength: 40 } });
    expect(p.category).toMatchObject({ type: "string", enum: expect.arrayContaining(["animals", "other"]) });
    expect(p.problems).toMatchObject({ maxItems: 6, items: { enum: expect.arrayContaining(["blur"]) } });
    expect((p.quality!.properties as Record<string, Node>).score).toMatchObject({ minimum: 0, maximum: 10 });
    const box = ((p.crops!.properties as Record<string, Node>)["4:5"]!.properties as Record<string, Node>);
    expect(box.x).toMatchObject({ minimum: 0, maximum: 1 });
    expect(box.width).toMatchObject({ exclusiveMinimum: 0, maximum: 1 });
  });
  it("is built once per size and cannot be changed by a caller", () => {
    expect(batchJsonSchema(3)).toBe(schema);
    expect(() => {
      (schema as Node).type = "array";
    }).toThrow();
  });
});

describe("prompt", () => {
  it("numbers the photos and states the count", () => {
    expect(buildPrompt(3)).toContain("numbered 1 to 3");
    expect(buildPrompt(3)).toContain("exactly 3 entries");
  });
  it("has a version derived from prompt and schema", () => {
    expect(PROMPT_VERSION).toMatch(/^p2-[0-9a-f]{10}$/);
  });
  it("states Instagram's current limits", () => {
    const p = buildPrompt(2);
    expect(p).toContain("at most 5 relevant hashtags");
    expect(p).toContain("at most 2,200 characters");
    expect(p).toContain("about 125 characters");
    expect(p).toContain("up to 20 short keywords");
  });
});
