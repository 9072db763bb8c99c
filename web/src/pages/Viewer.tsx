import { useEffect, useState } from "react";
import { api, isPending, load, type Deck, type Slide } from "../api/client";
import { watchProgress } from "../api/progress";
import { SlideViewer } from "../components/SlideViewer";
import { progressText } from "../decks";
import { Link } from "../router";

/** The deck (followed live while it is processing) and, once it is ready, its slides. */
function useDeck(slug: string) {
  const [deck, setDeck] = useState<Deck>();
  const [slides, setSlides] = useState<Slide[]>();
  const [error, setError] = useState<string>();
  const pending = deck ? isPending(deck) : false;
  const ready = deck?.status === "ready";

  useEffect(
    () => load(() => api.GET("/api/decks/{ref}", { params: { path: { ref: slug } } }), setDeck, setError),
    [slug],
  );
  // Follow a deck that is still processing; its slides load once it turns ready.
  useEffect(() => (deck && pending ? watchProgress(deck.id, setDeck) : undefined), [deck?.id, pending]);
  useEffect(() => {
    if (!ready) return;
    const slides = () => api.GET("/api/decks/{ref}/slides", { params: { path: { ref: slug } } });
    return load(slides, (data) => setSlides(data.slides), setError);
  }, [slug, ready]);

  return { deck, slides, error };
}

export function Viewer({ slug, requested }: { slug: string; requested: number | null }) {
  const { deck, slides, error } = useDeck(slug);
  if (deck && slides) return <SlideViewer deck={deck} slides={slides} requested={requested} />;
  return (
    <main id="main" className="page">
      <h1>{deck?.title ?? "Deck"}</h1>
      <Message deck={deck} error={error} />
      <p>
        <Link to="/">Back to the decks</Link>
      </p>
    </main>
  );
}

function Message({ deck, error }: { deck: Deck | undefined; error: string | undefined }) {
  if (error) {
    return (
      <p role="alert" className="error">
        {error}
      </p>
    );
  }
  if (deck?.status === "failed") {
    return (
      <p role="alert" className="error">
        {deck.error?.message ?? "This deck could not be processed."}
      </p>
    );
  }
  if (deck && isPending(deck)) return <p role="status">This deck is being prepared: {progressText(deck)}</p>;
  return <p className="muted">Loading…</p>;
}
