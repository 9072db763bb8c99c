/** Follow a deck's ingestion through its server-sent events: `progress`, then `ready` or `failed`. */
import type { Deck } from "./client";

export function watchProgress(deckId: string, onDeck: (deck: Deck) => void): () => void {
  const source = new EventSource(`/api/decks/${encodeURIComponent(deckId)}/progress`);
  const receive = (event: MessageEvent<string>) => {
    onDeck(JSON.parse(event.data) as Deck);
    if (event.type !== "progress") source.close(); // ready or failed: the stream is over
  };
  for (const name of ["progress", "ready", "failed"]) source.addEventListener(name, receive);
  return () => source.close();
}
