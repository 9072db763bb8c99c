import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Deck, Slide } from "../api/client";
import type { Citation } from "../chat/ask";
import type { Asker } from "../chat/useChat";
import { clampSlide, deckPath, navigate, quotePath } from "../router";
import { quoteRegions } from "../viewer/regions";
import { useViewPing } from "../viewer/views";
import { ChatPanel } from "./ChatPanel";
import { SlideViewer, type Highlight } from "./SlideViewer";

type Props = {
  deck: Deck;
  slides: Slide[];
  requested: number | null;
  /** A quote to highlight on the slide (the deep link's `?q=`); any move to another slide drops it. */
  quote?: string | null;
  asker?: Asker;
  /** The compact layout for an <iframe> on someone else's page. */
  embed?: boolean;
  /** Told once a slide has been on screen for a moment (analytics); left out, nothing is counted. */
  onView?: (slide: number) => void;
};

const CITED_MS = 1500;

/** A ready deck: the slides, and the chat beside them; the slide in view lives in the URL. */
export function DeckView({ deck, slides, requested, quote = null, asker, embed = false, onView }: Props) {
  const count = slides.length;
  const number = clampSlide(requested, count);
  const [cited, setCited] = useState<{ slide: number; at: number } | null>(null);
  const [followed, setFollowed] = useState<Citation | null>(null);
  const [chatOpen, setChatOpen] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);
  const closeChat = useCallback(() => {
    setChatOpen(false);
    toggle.current?.focus();
  }, []);
  // Replace, not push: stepping through forty slides should not take forty presses of Back.
  const go = useCallback(
    (to: number) => navigate(deckPath(deck.slug, clampSlide(to, count)), { replace: true }),
    [deck.slug, count],
  );
  const cite = useCallback(
    (citation: Citation) => {
      const slide = clampSlide(citation.slide, count);
      navigate(quotePath(deck.slug, slide, citation.quote), { replace: true });
      setFollowed(citation);
      setCited({ slide, at: Date.now() });
      setChatOpen(false); // on a phone the drawer covers the slide the answer points at
    },
    [deck.slug, count],
  );
  // A followed citation brings its own regions; a deep link finds its quote in the slide's lines the
  // same way the server does (viewer/regions.ts mirrors core/boxes.py).
  const slide = slides[number - 1];
  const highlight = useMemo<Highlight | null>(() => {
    if (!quote || !slide) return null;
    const same = followed?.slide === number && followed.quote.trim() === quote;
    return { quote, regions: same ? followed.regions : quoteRegions(quote, slide) };
  }, [quote, slide, number, followed]);

  useViewPing(number, onView);
  useEffect(() => {
    if (requested !== null && requested !== number) go(number); // /d/x/99 of 10 → /d/x/10
  }, [requested, number, go]);
  useEffect(() => {
    document.title = `${deck.title} (${number}/${count}) · deckchat`;
  }, [deck.title, number, count]);
  useEffect(() => {
    if (!cited) return;
    const timer = window.setTimeout(() => setCited(null), CITED_MS);
    return () => window.clearTimeout(timer);
  }, [cited]);

  return (
    <main id="main" className={embed ? "deck embed" : "deck"}>
      <div className="deck-title">
        <h1>{deck.title}</h1>
        {deck.download_url && (
          <a className="download" href={deck.download_url} download={deck.source_filename}>
            Download original <span className="muted">({deck.source_format.toUpperCase()})</span>
          </a>
        )}
        {embed && (
          <a
            className="open-full"
            href={highlight ? quotePath(deck.slug, number, highlight.quote) : deckPath(deck.slug, number)}
            target="_blank"
            rel="noopener"
          >
            Open in a new tab
          </a>
        )}
      </div>
      <div className="deck-layout">
        <SlideViewer
          deck={deck}
          slides={slides}
          number={number}
          go={go}
          cited={cited}
          highlight={highlight}
        />
        <ChatPanel
          deck={deck}
          slides={slides}
          current={number}
          onCite={cite}
          open={chatOpen}
          onClose={closeChat}
          {...(asker ? { asker } : {})}
        />
      </div>
      <button
        ref={toggle}
        type="button"
        className="chat-toggle"
        aria-controls="chat"
        aria-expanded={chatOpen}
        onClick={() => setChatOpen((open) => !open)}
      >
        Ask the deck
      </button>
    </main>
  );
}
