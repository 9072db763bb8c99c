import { useEffect, useState } from "react";
import { api, load, type Deck, type Failed } from "../api/client";
import { deckPath, Link } from "../router";

type State =
  | { kind: "loading" }
  | { kind: "ready"; decks: Deck[] }
  | { kind: "missing" }
  | { kind: "error"; message: string };

/** A presenter's page, /u/{handle}: their public decks, ready and not expired, as the server lists them. */
export function OwnerPage({ handle }: { handle: string }) {
  const [state, setState] = useState<State>({ kind: "loading" });
  useEffect(() => {
    setState({ kind: "loading" });
    return load(
      () => api.GET("/api/users/{handle}/decks", { params: { path: { handle } } }),
      (data) => setState({ kind: "ready", decks: data.decks }),
      (message: string, failed: Failed) =>
        setState(failed.status === 404 ? { kind: "missing" } : { kind: "error", message }),
    );
  }, [handle]);
  const missing = state.kind === "missing";
  useEffect(() => {
    document.title = missing ? "No such presenter · deckchat" : `${handle}'s decks · deckchat`;
  }, [handle, missing]);

  if (missing) {
    return (
      <main id="main" className="page">
        <h1>No such presenter</h1>
        <p>Nobody on this server has the page “{handle}”.</p>
      </main>
    );
  }
  return (
    <main id="main" className="page owner-page">
      <h1>Decks by {handle}</h1>
      {state.kind === "loading" && <p className="muted">Loading decks…</p>}
      {state.kind === "error" && (
        <p role="alert" className="error">
          {state.message}
        </p>
      )}
      {state.kind === "ready" && <PublicDecks decks={state.decks} />}
    </main>
  );
}

function PublicDecks({ decks }: { decks: Deck[] }) {
  if (decks.length === 0) return <p className="muted">No public decks yet.</p>;
  return (
    <ul className="deck-grid" aria-label="Public decks">
      {decks.map((deck) => (
        <li key={deck.id}>
          <Link to={deckPath(deck.slug)} className="deck-tile">
            {deck.thumbnail ? (
              <img src={deck.thumbnail} alt="" width={320} height={180} loading="lazy" />
            ) : (
              <span className="deck-thumb placeholder" aria-hidden="true" />
            )}
            <span className="deck-tile-title">{deck.title}</span>
            <span className="muted">
              {deck.slide_count} {deck.slide_count === 1 ? "slide" : "slides"}
            </span>
          </Link>
          {deck.description && <p className="description">{deck.description}</p>}
        </li>
      ))}
    </ul>
  );
}
