/** The typed API client, generated from the server's OpenAPI schema (`npm run gen`); never hand-written. */
import createClient from "openapi-fetch";
import { errorMessage } from "./errors";
import type { components, paths } from "./schema";

export type Deck = components["schemas"]["DeckOut"];
export type Slide = components["schemas"]["SlideOut"];
export type DeckCreated = components["schemas"]["DeckCreated"];
export type DeckChanges = components["schemas"]["DeckChanges"];
export type Progress = components["schemas"]["Progress"];
export type Analytics = components["schemas"]["Analytics"];
export type NotesMode = Deck["notes_mode"];

export const api = createClient<paths>({ baseUrl: window.location.origin });

/**
 * POST /api/decks. The route reads its multipart body as a stream, so the schema declares no request
 * body and the generated type has none to accept; openapi-fetch passes FormData through untouched and
 * the browser sets the multipart boundary.
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

type Answer<T> = { data?: T; error?: unknown };

/**
 * Start an API call and hand its data, or a readable error, to the callbacks; for effects, so the
 * returned cancel function stops a late answer from landing after the component moved on.
 */
export function load<T>(
  call: () => Promise<Answer<T>>,
  onData: (data: T) => void,
  onError: (message: string) => void,
) {
  let live = true;
  call().then(
    ({ data, error }) => live && (data === undefined ? onError(errorMessage(error)) : onData(data)),
    (failure: unknown) => live && onError(errorMessage(failure)),
  );
  return () => {
    live = false;
  };
}
