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
  useEffect(reload, [reload]);
  return { decks, error, reload, update };
}

export function Home() {
  const { decks, error, reload, update } = useDecks();
  useEffect(() => {
    document.title = "deckchat";
  }, []);
  return (
    <main id="main" className="page">
      <h1>Decks</h1>
      <DeckList decks={decks} error={error} onUpdate={update} />
      <UploadForm decks={decks} onUploaded={reload} />
    </main>
  );
}
