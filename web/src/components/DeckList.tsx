import type { Deck } from "../api/client";
import { DeckCard } from "./DeckCard";

type Props = {
  decks: Deck[] | undefined;
  error: string | undefined;
  onUpdate: (deck: Deck) => void;
  onDeleted: (id: string) => void;
};

export function DeckList({ decks, error, onUpdate, onDeleted }: Props) {
  if (error) {
    return (
      <p role="alert" className="error">
        {error}
      </p>
    );
  }
  if (!decks) return <p className="muted">Loading decks…</p>;
  if (decks.length === 0) return <p className="muted">No decks yet. Upload one above.</p>;
  return (
    <ul className="deck-list" aria-label="Your decks">
      {decks.map((deck) => (
        <DeckCard key={deck.id} deck={deck} onUpdate={onUpdate} onDeleted={onDeleted} />
      ))}
    </ul>
  );
}
