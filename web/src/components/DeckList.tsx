import { useEffect } from "react";
import { isPending, type Deck } from "../api/client";
import { watchProgress } from "../api/progress";
import { progressText } from "../decks";
import { deckPath, Link } from "../router";

type Props = { decks: Deck[] | undefined; error: string | undefined; onUpdate: (deck: Deck) => void };

export function DeckList({ decks, error, onUpdate }: Props) {
  if (error) {
    return (
      <p role="alert" className="error">
        {error}
      </p>
    );
  }
  if (!decks) return <p className="muted">Loading decks…</p>;
  if (decks.length === 0) return <p className="muted">No decks yet. Upload one below.</p>;
  return (
    <ul className="deck-list">
      {decks.map((deck) => (
        <DeckItem key={deck.id} deck={deck} onUpdate={onUpdate} />
      ))}
    </ul>
  );
}

function DeckItem({ deck, onUpdate }: { deck: Deck; onUpdate: (deck: Deck) => void }) {
  const pending = isPending(deck);
  useEffect(() => (pending ? watchProgress(deck.id, onUpdate) : undefined), [deck.id, pending, onUpdate]);
  const { done, total } = deck.progress;
  return (
    <li className="deck-item">
      {deck.status === "ready" && deck.thumbnail ? (
        <img className="deck-thumb" src={deck.thumbnail} alt="" width={160} height={90} loading="lazy" />
      ) : (
        <div className="deck-thumb placeholder" aria-hidden="true" />
      )}
      <div className="deck-info">
        <h2>
          <Link to={deckPath(deck.slug)}>{deck.title}</Link>
        </h2>
        <p className="muted">
          <span className={`status status-${deck.status}`}>{deck.status}</span>
          {deck.slide_count > 0 && ` · ${deck.slide_count} slides`}
        </p>
        {pending && (
          <p className="progress-line">
            <progress value={total > 0 ? done : undefined} max={total || undefined} aria-hidden="true" />
            <span>{progressText(deck)}</span>
          </p>
        )}
        {deck.error && <p className="error">{deck.error.message}</p>}
      </div>
    </li>
  );
}
