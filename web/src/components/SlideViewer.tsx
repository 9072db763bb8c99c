import { useEffect, useRef } from "react";
import type { Deck, Slide } from "../api/client";
import { slideAlt, srcSet, STAGE_SIZES } from "../slides";
import { useFullscreen } from "../viewer/fullscreen";
import { useSlideKeys } from "../viewer/keys";
import { usePreloadNeighbours } from "../viewer/preload";
import { useSwipe } from "../viewer/swipe";
import { DeckSearch } from "./DeckSearch";
import { Thumbnails } from "./Thumbnails";
import { Transcript } from "./Transcript";

type Props = {
  deck: Deck;
  slides: Slide[];
  /** 1-based, already within the deck. */
  number: number;
  go: (to: number) => void;
  /** Set for a moment after a citation was followed: the stage is highlighted and takes focus. */
  cited: { slide: number; at: number } | null;
};

export function SlideViewer({ deck, slides, number, go, cited }: Props) {
  const count = slides.length;
  const slide = slides[number - 1];
  const frame = useRef<HTMLDivElement>(null);
  const stage = useRef<HTMLElement>(null);
  const fullscreen = useFullscreen(frame);
  const swipe = useSwipe((step) => go(number + step));

  useSlideKeys(number, count, go, fullscreen.toggle);
  usePreloadNeighbours(slides, number);
  useEffect(() => {
    // Keyboard and screen reader users land on the slide they asked to see.
    if (cited) stage.current?.focus({ preventScroll: true });
    if (cited) stage.current?.scrollIntoView?.({ block: "nearest" });
  }, [cited]);

  if (!slide) return <p className="muted">This deck has no slides.</p>;
  const highlighted = cited?.slide === number;
  return (
    <section className="viewer" aria-label="Slides">
      <div ref={frame} className={`stage-frame${fullscreen.active ? " is-fullscreen" : ""}`}>
        <figure
          ref={stage}
          className={`stage${highlighted ? " cited" : ""}`}
          tabIndex={-1}
          aria-label={`Slide ${number} of ${count}`}
          {...swipe}
        >
          <img
            src={slide.image}
            srcSet={srcSet(slide)}
            sizes={STAGE_SIZES}
            width={slide.width}
            height={slide.height}
            alt={slideAlt(slide)}
            draggable={false}
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
          {fullscreen.supported && (
            <button
              type="button"
              className="secondary fullscreen-button"
              aria-pressed={fullscreen.active}
              onClick={fullscreen.toggle}
              title="Full screen (F)"
            >
              Full screen
            </button>
          )}
        </div>
      </div>
      <Thumbnails slug={deck.slug} slides={slides} current={number} />
      <DeckSearch slides={slides} go={go} />
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
      <Transcript slug={deck.slug} slides={slides} current={number} />
    </section>
  );
}
