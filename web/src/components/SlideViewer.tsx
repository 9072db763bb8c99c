import { useEffect, useId, useMemo, useRef, useState } from "react";
import type { Deck, Slide } from "../api/client";
import { slideAlt, srcSet, STAGE_SIZES } from "../slides";
import { useFullscreen } from "../viewer/fullscreen";
import { useSlideKeys } from "../viewer/keys";
import { usePictureRect } from "../viewer/overlay";
import { usePreloadNeighbours } from "../viewer/preload";
import { spansRegions, locatedText, type Box } from "../viewer/regions";
import { termSpans } from "../viewer/search";
import { useSwipe } from "../viewer/swipe";
import { DeckSearch } from "./DeckSearch";
import { Highlights } from "./Highlights";
import { Marked } from "./Marked";
import { Thumbnails } from "./Thumbnails";
import { Transcript } from "./Transcript";

/** A quote shown on the current slide, and its boxes there (none: a notes quote, or a slide with no text layer). */
export type Highlight = { quote: string; regions: readonly Box[] };

const NO_SLIDE = { title: "", text: "", lines: [] };

type Props = {
  deck: Deck;
  slides: Slide[];
  /** 1-based, already within the deck. */
  number: number;
  go: (to: number) => void;
  /** Set for a moment after a citation was followed: the stage is highlighted and takes focus. */
  cited: { slide: number; at: number } | null;
  /** Drawn over the slide image and marked in its text until the viewer moves to another slide. */
  highlight?: Highlight | null;
};

export function SlideViewer({ deck, slides, number, go, cited, highlight = null }: Props) {
  const count = slides.length;
  const slide = slides[number - 1];
  const frame = useRef<HTMLDivElement>(null);
  const stage = useRef<HTMLElement>(null);
  const image = useRef<HTMLImageElement>(null);
  const fullscreen = useFullscreen(frame);
  const picture = usePictureRect(image, { width: slide?.width ?? 0, height: slide?.height ?? 0 });
  const [query, setQuery] = useState("");
  const shown = slide ?? NO_SLIDE;
  const found = useMemo(() => spansRegions(shown, termSpans(locatedText(shown), query)), [shown, query]);
  const described = useId();
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
          aria-describedby={highlight ? described : undefined}
          {...swipe}
        >
          <img
            ref={image}
            src={slide.image}
            srcSet={srcSet(slide)}
            sizes={STAGE_SIZES}
            width={slide.width}
            height={slide.height}
            alt={slideAlt(slide)}
            draggable={false}
          />
          <Highlights picture={picture} kind="found" regions={found} />
          <Highlights picture={picture} kind="cited" regions={highlight?.regions ?? []} />
        </figure>
        {highlight && (
          <p id={described} className="visually-hidden">
            {highlight.regions.length ? "Highlighted on this slide" : "Quoted"}: “{highlight.quote}”
          </p>
        )}
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
      <DeckSearch slides={slides} go={go} query={query} onQuery={setQuery} />
      <details className="slide-text">
        <summary>Slide text</summary>
        <p>{slide.text ? <Marked text={slide.text} quote={highlight?.quote ?? null} /> : "This slide has no text."}</p>
        {slide.notes && (
          <>
            <h2>Speaker notes</h2>
            <p>{slide.notes}</p>
          </>
        )}
      </details>
      <Transcript slug={deck.slug} slides={slides} current={number} quote={highlight?.quote ?? null} />
    </section>
  );
}
