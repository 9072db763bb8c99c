import { useState } from "react";
import type { Slide } from "../api/client";
import { deckPath, Link } from "../router";

type Props = { slug: string; slides: Slide[]; current: number };

/** The whole deck as text: each slide's text and, where the deck shares them, its speaker notes. */
export function Transcript({ slug, slides, current }: Props) {
  // Rendered only while open: a long deck is a lot of text to keep in the page unseen.
  const [open, setOpen] = useState(false);
  return (
    <details className="transcript" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>Transcript</summary>
      {open && (
        <ol>
          {slides.map((slide) => (
            <li key={slide.number} aria-current={slide.number === current ? "true" : undefined}>
              <h3>
                <Link to={deckPath(slug, slide.number)} replace>
                  Slide {slide.number}
                  {slide.title && `: ${slide.title}`}
                </Link>
              </h3>
              <p className={slide.text ? "slide-words" : "muted"}>{slide.text || "No text on this slide."}</p>
              {slide.notes && (
                <>
                  <h4>Speaker notes</h4>
                  <p className="slide-words">{slide.notes}</p>
                </>
              )}
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}
