/** The typed API client, generated from the server's OpenAPI schema (`npm run gen`); never hand-written. */
import createClient from "openapi-fetch";
import { watchAccess } from "./access";
import { csrf } from "./csrf";
import { errorMessage } from "./errors";
import type { components, paths } from "./schema";

export type Deck = components["schemas"]["DeckOut"];
export type Slide = components["schemas"]["SlideView"];
export type DeckCreated = components["schemas"]["DeckCreated"];
export type DeckChanges = components["schemas"]["DeckChanges"];
export type Progress = components["schemas"]["Progress"];
export type Analytics = components["schemas"]["Analytics"];
// The server's enums (deckchat/core), by name: a value added there reaches these unions through `npm run gen`.
export type NotesMode = components["schemas"]["NotesMode"];
export type Visibility = components["schemas"]["Visibility"];
export type DeckStatus = components["schemas"]["DeckStatus"];
export type Stage = components["schemas"]["Stage"];

export const api = createClient<paths>({ baseUrl: window.location.origin });
// Every change made while signed in carries the session's CSRF token; a deck that turns the viewer away
// (password, expiry) is reported to whoever shows it.
api.use(csrf, watchAccess);

/**
 * POST /api/decks. The schema describes the multipart fields, but the generated type is an object, not
 * the FormData that carries files; openapi-fetch passes FormData through untouched and the browser sets
 * the multipart boundary. The CSRF middleware adds its header to this request too.
 */
export function uploadDeck(form: FormData) {
  return api.POST("/api/decks", { body: form as never });
}

/** POST /api/decks/{ref}/versions: a new version under the same link, multipart like the upload above. */
export function replaceFile(ref: string, form: FormData) {
  return api.POST("/api/decks/{ref}/versions", { params: { path: { ref } }, body: form as never });
}

export function isPending(deck: Pick<Deck, "status">): boolean {
  return deck.status === "queued" || deck.status === "processing";
}

type Answer<T> = { data?: T; error?: unknown; response?: Response };

/** A failed call: the HTTP status (null when the server was never reached) and the error body. */
export type Failed = { status: number | null; body: unknown };

/**
 * Start an API call and hand its data, or a readable error, to the callbacks; for effects, so the
 * returned cancel function stops a late answer from landing after the component moved on.
 */
export function load<T>(
  call: () => Promise<Answer<T>>,
  onData: (data: T) => void,
  onError: (message: string, failed: Failed) => void,
) {
  let live = true;
  call().then(
    ({ data, error, response }) => {
      if (!live) return;
      if (data === undefined) onError(errorMessage(error), { status: response?.status ?? null, body: error });
      else onData(data);
    },
    (failure: unknown) => live && onError(errorMessage(failure), { status: null, body: failure }),
  );
  return () => {
    live = false;
  };
}
