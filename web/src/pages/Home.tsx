import { useCallback, useEffect, useState } from "react";
import { api, load, type Deck } from "../api/client";
import { DeckList } from "../components/DeckList";
import { UploadForm } from "../components/UploadForm";
import { replaceDeck } from "../decks";

function useDecks() {
  const [decks, setDecks] = useState<Deck[]>();
  const [error, setError] = useState<string>();
  const reload = useCallback(() => {
    const show = (data: { decks: Deck[] }) => {
      setDecks(data.decks);
      setError(undefined);
    };
    return load(() => api.GET("/api/decks"), show, setError);
  }, []);
  const update = useCallback((deck: Deck) => setDecks((decks) => replaceDeck(decks, deck)), []);
  const remove = useCallback(
    (id: string) => setDecks((decks) => decks?.filter((deck) => deck.id !== id)),
    [],
  );
  useEffect(reload, [reload]);
  return { decks, error, reload, update, remove };
}

/** The presenter's dashboard: upload, then each deck with its sharing, settings and analytics. */
export function Home() {
  const { decks, error, reload, update, remove } = useDecks();
  useEffect(() => {
    document.title = "Your decks · deckchat";
  }, []);
  return (
    <main id="main" className="page dashboard">
      <h1>Your decks</h1>
      <UploadForm decks={decks} onUploaded={reload} />
      <h2 className="list-heading">Decks</h2>
      <DeckList decks={decks} error={error} onUpdate={update} onDeleted={remove} />
    </main>
  );
}
