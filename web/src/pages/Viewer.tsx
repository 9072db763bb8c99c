import { useCallback, useEffect, useState } from "react";
import { api, isPending, load, type Deck, type Slide } from "../api/client";
import { watchProgress } from "../api/progress";
import { DeckView } from "../components/DeckView";
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

type Props = { slug: string; requested: number | null; embed: boolean };

/** Fire and forget: a view that fails to count is not worth troubling the viewer about. */
function recordView(ref: string, slide: number) {
  api.POST("/api/decks/{ref}/views", { params: { path: { ref } }, body: { slide } }).catch(() => undefined);
}

export function Viewer({ slug, requested, embed }: Props) {
  const { deck, slides, error } = useDeck(slug);
  const deckId = deck?.id;
  const onView = useCallback((slide: number) => deckId && recordView(deckId, slide), [deckId]);
  if (deck && slides) {
    return <DeckView deck={deck} slides={slides} requested={requested} embed={embed} onView={onView} />;
  }
  return (
    <main id="main" className={embed ? "page embed" : "page"}>
      <h1>{deck?.title ?? "Deck"}</h1>
      <Message deck={deck} error={error} />
      {!embed && (
        <p>
          <Link to="/">Back to the decks</Link>
        </p>
      )}
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
