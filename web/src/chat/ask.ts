/** Ask a deck: POST /api/decks/{id}/chat as server-sent events, tokens first, then the answer object. */
import { api } from "../api/client";
import { errorCode, errorMessage, retryAfterSeconds } from "../api/errors";
import type { components } from "../api/schema";
import { readEvents } from "./sse";

export type ChatAnswer = components["schemas"]["AnswerOut"];
export type Citation = components["schemas"]["CitationOut"];
export type Question = components["schemas"]["ChatRequest"];

/** Why an ask failed, in the terms the panel shows: wait and retry, the generator is down, or a sentence. */
export type Failure =
  { kind: "busy"; retryAfter: number } | { kind: "offline" } | { kind: "error"; message: string };

export class AskFailed extends Error {
  readonly failure: Failure;
  constructor(failure: Failure) {
    super(failure.kind === "error" ? failure.message : failure.kind);
    this.failure = failure;
  }
}

const BUSY_DEFAULT_S = 5;
const CUT_OFF: Failure = { kind: "error", message: "The answer was cut off. Please ask again." };
const OFFLINE_CODES = new Set(["llm_unavailable", "missing_dependency"]);

/**
 * A failed response in the panel's terms. 429, and 503 with Retry-After, mean "busy: wait"; a 503
 * without it (the generator's server is unreachable), 502 and 504 mean the generator is offline.
 */
export function classifyResponse(status: number, retryAfter: string | null, body: unknown): Failure {
  const wait = retryAfterSeconds(retryAfter);
  if (status === 429 || (status === 503 && wait !== null)) {
    return { kind: "busy", retryAfter: wait ?? BUSY_DEFAULT_S };
  }
  const code = errorCode(body);
  if (status === 502 || status === 503 || status === 504 || (code && OFFLINE_CODES.has(code))) {
    return { kind: "offline" };
  }
  return { kind: "error", message: errorMessage(body) };
}

/** An `error` event sent after the stream began: `{"code", "message"}`. */
export function classifyStreamError(data: string): Failure {
  let body: unknown;
  try {
    body = JSON.parse(data);
  } catch {
    return { kind: "error", message: errorMessage(data) };
  }
  return classifyResponse(200, null, { error: body });
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

type Options = { signal: AbortSignal; onToken: (text: string) => void };

/** Resolves with the answer; rejects with AskFailed, or with an AbortError when `signal` aborts. */
export async function streamAnswer(deckId: string, question: Question, { signal, onToken }: Options) {
  let result;
  try {
    result = await api.POST("/api/decks/{ref}/chat", {
      params: { path: { ref: deckId } },
      body: question,
      headers: { Accept: "text/event-stream" },
      parseAs: "stream",
      signal,
    });
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new AskFailed({ kind: "offline" }); // no answer at all: the server or the network is down
  }
  const { data, error, response } = result;
  if (!response.ok || !data) {
    throw new AskFailed(classifyResponse(response.status, response.headers.get("Retry-After"), error));
  }
  try {
    for await (const event of readEvents(data)) {
      if (event.event === "token") onToken((JSON.parse(event.data) as { text: string }).text);
      else if (event.event === "answer") return JSON.parse(event.data) as ChatAnswer;
      else if (event.event === "error") throw new AskFailed(classifyStreamError(event.data));
    }
  } catch (error) {
    if (isAbort(error) || error instanceof AskFailed) throw error;
    throw new AskFailed({ kind: "offline" }); // the connection dropped mid-answer
  }
  throw new AskFailed(CUT_OFF);
}
