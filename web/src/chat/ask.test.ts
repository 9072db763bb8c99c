// @vitest-environment jsdom
import { beforeEach, describe, expect, it, vi } from "vitest";

// The API client keeps the fetch it was created with, so the stand-in goes in before any import.
const fetchMock = vi.hoisted(() => {
  const mock = vi.fn<(request: Request) => Promise<Response>>();
  globalThis.fetch = ((input: Request) => mock(input)) as typeof fetch;
  return mock;
});

import { AskFailed, classifyResponse, classifyStreamError, streamAnswer } from "./ask";

const ANSWER = {
  answer: "Use df['name'].",
  citations: [{ slide: 3, quote: "df['name'] returns a Series" }],
  refused: false,
  llm: "extractive",
  grounding_replaced: false,
  conversation_id: "c9",
};

function sse(...events: [string, unknown][]): Response {
  const text = events
    .map(([name, data]) => `event: ${name}\r\ndata: ${JSON.stringify(data)}\r\n\r\n`)
    .join("");
  return new Response(text, { headers: { "Content-Type": "text/event-stream" } });
}

async function failure(promise: Promise<unknown>) {
  const error: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AskFailed);
  return (error as AskFailed).failure;
}

beforeEach(() => {
  fetchMock.mockReset();
});

describe("streamAnswer", () => {
  it("posts the question for server-sent events and hands over tokens, then the answer", async () => {
    fetchMock.mockResolvedValue(
      sse(["token", { text: "Use " }], ["token", { text: "df['name']." }], ["answer", ANSWER]),
    );
    const tokens: string[] = [];
    const question = { question: "How?", conversation_id: "c1", slide: 3 };
    const answer = await streamAnswer("deck-1", question, {
      signal: new AbortController().signal,
      onToken: (t) => tokens.push(t),
    });
    expect(answer).toEqual(ANSWER);
    expect(tokens).toEqual(["Use ", "df['name']."]);
    const request = fetchMock.mock.calls[0]![0];
    expect(request.method).toBe("POST");
    expect(new URL(request.url).pathname).toBe("/api/decks/deck-1/chat");
    expect(request.headers.get("Accept")).toBe("text/event-stream");
    expect(await request.json()).toEqual(question);
  });

  it("turns an error event into a failure", async () => {
    fetchMock.mockResolvedValue(
      sse(["token", { text: "x" }], ["error", { code: "llm_unavailable", message: "down" }]),
    );
    const signal = new AbortController().signal;
    expect(await failure(streamAnswer("d", { question: "q" }, { signal, onToken: () => {} }))).toEqual({
      kind: "offline",
    });
  });

  it("reports a stream that ends without an answer", async () => {
    fetchMock.mockResolvedValue(sse(["token", { text: "x" }]));
    const signal = new AbortController().signal;
    expect(await failure(streamAnswer("d", { question: "q" }, { signal, onToken: () => {} }))).toMatchObject({
      kind: "error",
    });
  });

  it("reads a busy answer's Retry-After, and a network failure as offline", async () => {
    const signal = new AbortController().signal;
    fetchMock.mockResolvedValueOnce(
      new Response(JSON.stringify({ error: { code: "busy", message: "Busy." } }), {
        status: 429,
        headers: { "Retry-After": "7", "Content-Type": "application/json" },
      }),
    );
    expect(await failure(streamAnswer("d", { question: "q" }, { signal, onToken: () => {} }))).toEqual({
      kind: "busy",
      retryAfter: 7,
    });
    fetchMock.mockRejectedValueOnce(new TypeError("Failed to fetch"));
    expect(await failure(streamAnswer("d", { question: "q" }, { signal, onToken: () => {} }))).toEqual({
      kind: "offline",
    });
  });

  it("passes an abort through as an AbortError", async () => {
    // As fetch does: a request whose signal is already aborted (the client's middleware runs first)
    // fails at once, and one in flight fails when it aborts.
    fetchMock.mockImplementation(
      (request) =>
        new Promise((_, reject) => {
          const stop = () => reject(new DOMException("stopped", "AbortError"));
          if (request.signal.aborted) stop();
          else request.signal.addEventListener("abort", stop);
        }),
    );
    const controller = new AbortController();
    const pending = streamAnswer("d", { question: "q" }, { signal: controller.signal, onToken: () => {} });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
  });
});

describe("classifyResponse", () => {
  const body = (code: string) => ({ error: { code, message: `The ${code} sentence.` } });

  it("says busy for 429, and for 503 with a Retry-After", () => {
    expect(classifyResponse(429, null, body("busy"))).toEqual({ kind: "busy", retryAfter: 5 });
    expect(classifyResponse(503, "12", body("busy"))).toEqual({ kind: "busy", retryAfter: 12 });
  });

  it("says offline when the generator cannot be reached", () => {
    expect(classifyResponse(503, null, body("llm_unavailable"))).toEqual({ kind: "offline" });
    expect(classifyResponse(502, null, body("llm_error"))).toEqual({ kind: "offline" });
  });

  it("passes the server's sentence on for anything else", () => {
    expect(classifyResponse(404, null, body("deck_not_found"))).toEqual({
      kind: "error",
      message: "The deck_not_found sentence.",
    });
    expect(classifyStreamError('{"code": "prompt_too_long", "message": "Too long."}')).toEqual({
      kind: "error",
      message: "Too long.",
    });
  });
});
