/** The chat of one deck, kept for the browser tab (sessionStorage), so a reload or a deep link keeps it. */
import type { Citation } from "./ask";

export type Turn =
  | { role: "user"; text: string; slide: number | null }
  | { role: "assistant"; text: string; citations: Citation[]; refused: boolean; stopped: boolean };

export type Conversation = { id: string | null; turns: Turn[] };

export const EMPTY: Conversation = { id: null, turns: [] };

const key = (deckId: string) => `deckchat:chat:${deckId}`;

function isCitation(value: unknown): value is Citation {
  if (typeof value !== "object" || value === null) return false;
  const { slide, quote } = value as Record<string, unknown>;
  return typeof slide === "number" && typeof quote === "string";
}

function isTurn(value: unknown): value is Turn {
  if (typeof value !== "object" || value === null) return false;
  const turn = value as Record<string, unknown>;
  if (typeof turn.text !== "string") return false;
  if (turn.role === "user") return turn.slide === null || typeof turn.slide === "number";
  return (
    turn.role === "assistant" &&
    Array.isArray(turn.citations) &&
    turn.citations.every(isCitation) &&
    typeof turn.refused === "boolean" &&
    typeof turn.stopped === "boolean"
  );
}

/** What this tab said to the deck before; anything unreadable (another version, edited by hand) is dropped. */
export function loadConversation(deckId: string, storage: Storage = sessionStorage): Conversation {
  try {
    const saved: unknown = JSON.parse(storage.getItem(key(deckId)) ?? "null");
    if (typeof saved !== "object" || saved === null) return EMPTY;
    const { id, turns } = saved as Record<string, unknown>;
    if ((id !== null && typeof id !== "string") || !Array.isArray(turns) || !turns.every(isTurn))
      return EMPTY;
    return { id, turns };
  } catch {
    return EMPTY;
  }
}

export function saveConversation(
  deckId: string,
  conversation: Conversation,
  storage: Storage = sessionStorage,
) {
  try {
    storage.setItem(key(deckId), JSON.stringify(conversation));
  } catch {
    // Storage full or switched off: the chat still works, it just won't survive a reload.
  }
}
