import { useState } from "react";
import type { Slide } from "../api/client";
import { deckPath, Link } from "../router";
import { quoteSpans } from "../viewer/regions";
import { Marked } from "./Marked";

type Props = { slug: string; slides: Slide[]; current: number; quote?: string | null };

/**
 * The whole deck as text: each slide's text and, where the deck shares them, its speaker notes. A quote
 * highlighted on the current slide is marked here too: in its text, or else in its notes.
 */
export function Transcript({ slug, slides, current, quote = null }: Props) {
  // Rendered only while open: a long deck is a lot of text to keep in the page unseen.
  const [open, setOpen] = useState(false);
  return (
    <details className="transcript" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>Transcript</summary>
      {open && (
        <ol>
          {slides.map((slide) => (
            <TranscriptSlide
              key={slide.number}
              slug={slug}
              slide={slide}
              current={slide.number === current}
              quote={slide.number === current ? quote : null}
            />
          ))}
        </ol>
      )}
    </details>
  );
}

type SlideProps = { slug: string; slide: Slide; current: boolean; quote: string | null };

function TranscriptSlide({ slug, slide, current, quote }: SlideProps) {
  const inText = quote !== null && quoteSpans(quote, slide.text).length > 0;
  return (
    <li aria-current={current ? "true" : undefined}>
      <h3>
        <Link to={deckPath(slug, slide.number)} replace>
          Slide {slide.number}
          {slide.title && `: ${slide.title}`}
        </Link>
      </h3>
      <p className={slide.text ? "slide-words" : "muted"}>
        {slide.text ? <Marked text={slide.text} quote={quote} /> : "No text on this slide."}
      </p>
      {slide.notes && (
        <>
          <h4>Speaker notes</h4>
          <p className="slide-words">
            <Marked text={slide.notes} quote={inText ? null : quote} />
          </p>
        </>
      )}
    </li>
  );
}
