/** Keep a deck in the list current while the server works on it. */
import { useEffect } from "react";
import { api, isPending, type Deck } from "../api/client";
import { watchProgress } from "../api/progress";

export const REPLACING_POLL_MS = 1000;

/**
 * A new deck's job streams its progress (server-sent events). A replacement's does not: the deck stays
 * `ready` on the old version meanwhile, so it is polled until `replacing` clears.
 */
export function useDeckUpdates(deck: Deck, onUpdate: (deck: Deck) => void) {
  const pending = isPending(deck);
  const replacing = deck.replacing !== null;
  useEffect(() => (pending ? watchProgress(deck.id, onUpdate) : undefined), [deck.id, pending, onUpdate]);
  useEffect(() => {
    if (!replacing) return;
    let live = true;
    const timer = window.setInterval(async () => {
      try {
        const { data } = await api.GET("/api/decks/{ref}", { params: { path: { ref: deck.id } } });
        if (live && data) onUpdate(data);
      } catch {
        // a dropped poll: the next one tries again
      }
    }, REPLACING_POLL_MS);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, [deck.id, replacing, onUpdate]);
}
