/** Pure helpers for showing decks and building uploads. */
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

/** The multipart body for POST /api/decks: the form's fields minus file inputs left empty. */
export function uploadBody(fields: FormData): FormData {
  const body = new FormData();
  for (const [name, value] of fields) {
    if (typeof value !== "string" && value.name === "") continue; // a file input with nothing chosen
    body.append(name, value);
  }
  return body;
}
