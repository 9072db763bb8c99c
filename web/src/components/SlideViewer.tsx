import { useCallback, useEffect } from "react";
import type { Deck, Slide } from "../api/client";
import { clampSlide, deckPath, navigate } from "../router";
import { slideAlt, srcSet } from "../slides";
import { Thumbnails } from "./Thumbnails";

type Props = { deck: Deck; slides: Slide[]; requested: number | null };

export function SlideViewer({ deck, slides, requested }: Props) {
  const count = slides.length;
  const number = clampSlide(requested, count);
  const slide = slides[number - 1];
  const go = useCallback(
    (to: number) => navigate(deckPath(deck.slug, clampSlide(to, count)), { replace: true }),
    [deck.slug, count],
  );

  useEffect(() => {
    if (requested !== null && requested !== number) go(number); // /d/x/99 of 10 → /d/x/10
  }, [requested, number, go]);
  useEffect(() => {
    document.title = `${deck.title} (${number}/${count}) · deckchat`;
  }, [deck.title, number, count]);
  useArrowKeys(number, go);

  if (!slide) {
    return (
      <main id="main" className="page">
        <h1>{deck.title}</h1>
        <p className="muted">This deck has no slides.</p>
      </main>
    );
  }
  return (
    <main id="main" className="viewer">
      <h1>{deck.title}</h1>
      <figure className="stage">
        <img
          src={slide.image}
          srcSet={srcSet(slide)}
          sizes="(min-width: 1100px) 1040px, 100vw"
          width={slide.width}
          height={slide.height}
          alt={slideAlt(slide)}
        />
      </figure>
      <div className="controls">
        <button
          type="button"
          aria-label="Previous slide"
          disabled={number <= 1}
          onClick={() => go(number - 1)}
        >
          ←
        </button>
        <p className="counter" aria-live="polite" aria-atomic="true">
          {number} / {count}
        </p>
        <button
          type="button"
          aria-label="Next slide"
          disabled={number >= count}
          onClick={() => go(number + 1)}
        >
          →
        </button>
      </div>
      <details className="slide-text">
        <summary>Slide text</summary>
        <p>{slide.text || "This slide has no text."}</p>
        {slide.notes && (
          <>
            <h2>Speaker notes</h2>
            <p>{slide.notes}</p>
          </>
        )}
      </details>
      <Thumbnails slug={deck.slug} slides={slides} current={number} />
    </main>
  );
}

/** ← and → move through the deck, unless the user is typing somewhere. */
function useArrowKeys(number: number, go: (to: number) => void) {
  useEffect(() => {
    const moves: Record<string, (n: number) => number> = {
      ArrowLeft: (n) => n - 1,
      ArrowRight: (n) => n + 1,
    };
    const onKey = (event: KeyboardEvent) => {
      const move = moves[event.key];
      if (!move || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
      if (
        event.target instanceof HTMLElement &&
        event.target.closest("input, textarea, select, [contenteditable]")
      ) {
        return;
      }
      event.preventDefault();
      go(move(number));
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [number, go]);
}
