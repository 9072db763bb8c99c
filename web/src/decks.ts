/** Pure helpers for showing decks. */
import type { Deck } from "./api/client";

export function progressText(deck: Pick<Deck, "status" | "progress">): string {
  if (deck.status === "queued") return "Waiting to start";
  const { stage, done, total } = deck.progress;
  const name = stage ? stage.charAt(0).toUpperCase() + stage.slice(1) : "Processing";
  return total > 0 ? `${name} ${done}/${total}` : name;
}

export function replaceDeck(decks: Deck[] | undefined, deck: Deck): Deck[] | undefined {
  return decks?.map((old) => (old.id === deck.id ? deck : old));
}
