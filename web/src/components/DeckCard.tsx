import { useCallback, useId, useState, type ReactNode } from "react";
import { api, isPending, type Deck } from "../api/client";
import { deckLink, embedSnippet } from "../dashboard/links";
import { sharingSummary } from "../dashboard/sharing";
import { useDeckUpdates } from "../dashboard/useDeckUpdates";
import { progressText } from "../decks";
import { deckPath, Link } from "../router";
import { CopyButton } from "./CopyButton";
import { DeckAnalytics } from "./DeckAnalytics";
import { DeckSettings } from "./DeckSettings";
import { DeleteDeck } from "./DeleteDeck";
import { ReplaceFile } from "./ReplaceFile";
import { StageProgress } from "./StageProgress";

type Props = { deck: Deck; onUpdate: (deck: Deck) => void; onDeleted: (id: string) => void };

/** One deck on the dashboard: its state, sharing, settings, a new version, analytics, delete. */
export function DeckCard({ deck, onUpdate, onDeleted }: Props) {
  useDeckUpdates(deck, onUpdate);
  const titleId = useId();
  const pending = isPending(deck);
  const reload = useCallback(async () => {
    const { data } = await api.GET("/api/decks/{ref}", { params: { path: { ref: deck.id } } });
    if (data) onUpdate(data);
  }, [deck.id, onUpdate]);

  return (
    <li className="deck-card" aria-labelledby={titleId}>
      <div className="deck-head">
        {deck.status === "ready" && deck.thumbnail ? (
          <img className="deck-thumb" src={deck.thumbnail} alt="" width={160} height={90} loading="lazy" />
        ) : (
          <div className="deck-thumb placeholder" aria-hidden="true" />
        )}
        <div className="deck-info">
          <h3 id={titleId}>
            <Link to={deckPath(deck.slug)}>{deck.title}</Link>
          </h3>
          <p className="muted">
            <span className={`status status-${deck.status}`}>{deck.status}</span>
            {deck.slide_count > 0 && ` · ${deck.slide_count} slides`}
            {` · version ${deck.version}`}
            {` · ${sharingSummary(deck)}`}
          </p>
          {deck.description && <p className="description">{deck.description}</p>}
          {pending && <p className="muted">{progressText(deck)}</p>}
          {deck.error && <p className="error">{deck.error.message}</p>}
          {deck.replacing && (
            <p className="muted">A new version is being prepared; viewers still see this one.</p>
          )}
          {deck.replace_error && (
            <p className="error">The new version failed: {deck.replace_error.message} This version stays.</p>
          )}
        </div>
      </div>
      {pending && <StageProgress progress={deck.progress} label={`Processing “${deck.title}”`} />}
      {deck.replacing && <StageProgress progress={deck.replacing} label={`New version of “${deck.title}”`} />}
      <div className="actions">
        <a className="button secondary" href={deckPath(deck.slug)} target="_blank" rel="noopener">
          Open site
        </a>
        <CopyButton label="Copy link" text={deckLink(deck)} />
        <CopyButton label="Copy embed code" text={embedSnippet(deck)} />
        <DeleteDeck deck={deck} onDeleted={onDeleted} />
      </div>
      <Section summary="Edit details and sharing">
        <DeckSettings deck={deck} onUpdate={onUpdate} />
      </Section>
      <Section summary="Replace the file">
        <ReplaceFile deck={deck} onStarted={() => void reload()} />
      </Section>
      {deck.status === "ready" && (
        <Section summary="Analytics">{() => <DeckAnalytics deck={deck} />}</Section>
      )}
    </li>
  );
}

/** A disclosure whose content mounts when opened; analytics load then, not for every deck at once. */
function Section({ summary, children }: { summary: string; children: ReactNode | (() => ReactNode) }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="deck-section" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>{summary}</summary>
      {open && (typeof children === "function" ? children() : children)}
    </details>
  );
}
