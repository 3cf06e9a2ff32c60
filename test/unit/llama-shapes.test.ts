// Reading the two response shapes, including what real servers leave out.
import { describe, expect, it } from "vitest";
import { ProviderError } from "@/lib/llama/errors";
import { readNativeAnswer } from "@/lib/llama/native";
import { readCompatAnswer } from "@/lib/llama/openai-compatible";

describe("native shape", () => {
  const metrics = [
    { metric: "num_prompt_tokens", value: 100, unit: "tokens" },
    { metric: "num_completion_tokens", value: 20, unit: "tokens" },
  ];
  it("reads string content, {type:'text'} content, tokens from metrics and the stop reason", () => {
    expect(readNativeAnswer({ completion_message: { content: "{}", stop_reason: "stop" }, metrics })).toEqual({
      content: "{}",
      truncated: false,
      usage: { promptTokens: 100, completionTokens: 20, totalTokens: 120 },
    });
    expect(readNativeAnswer({ completion_message: { content: { type: "text", text: "{}" }, stop_reason: "length" } })).toEqual({
      content: "{}",
      truncated: true,
      usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
    });
  });
  it("refuses an answer without text", () => {
    for (const bad of [{}, null, { completion_message: { content: { type: "image" } } }, { completion_message: { content: 5 } }]) {
      expect(() => readNativeAnswer(bad), JSON.stringify(bad)).toThrow(ProviderError);
    }
  });
});

describe("OpenAI-compatible shape", () => {
  it("reads choices[0].message.content, usage and finish_reason length", () => {
    expect(
      readCompatAnswer({
        choices: [{ message: { content: "{}" }, finish_reason: "length" }],
        usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 },
      }),
    ).toEqual({ content: "{}", truncated: true, usage: { promptTokens: 7, completionTokens: 3, totalTokens: 10 } });
    // Some servers (older Ollama) omit usage.
    expect(readCompatAnswer({ choices: [{ message: { content: "{}" }, finish_reason: "stop" }] }).usage.totalTokens).toBe(0);
  });
  it("refuses an answer without text", () => {
    for (const bad of [{ choices: [] }, { choices: [{ message: { content: null } }] }, {}]) {
      let err: unknown;
      try {
        readCompatAnswer(bad);
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ kind: "invalid_answer", retryable: true });
    }
  });
});
