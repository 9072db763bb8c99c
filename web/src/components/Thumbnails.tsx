import { useEffect, useRef } from "react";
import type { Slide } from "../api/client";
import { deckPath, Link } from "../router";

type Props = { slug: string; slides: Slide[]; current: number };

export function Thumbnails({ slug, slides, current }: Props) {
  const strip = useRef<HTMLOListElement>(null);

  useEffect(() => {
    // Keep the current slide's thumbnail in view by scrolling the strip only, never the page.
    const box = strip.current;
    const item = box?.querySelector<HTMLElement>('[aria-current="page"]');
    if (!box || !item) return;
    const left = item.offsetLeft;
    if (left < box.scrollLeft || left + item.offsetWidth > box.scrollLeft + box.clientWidth) {
      box.scrollTo({ left: left - (box.clientWidth - item.offsetWidth) / 2 });
    }
  }, [current]);

  return (
    <nav aria-label="Slides" className="thumbnails">
      <ol ref={strip}>
        {slides.map((slide) => (
          <li key={slide.number}>
            <Link
              to={deckPath(slug, slide.number)}
              replace
              aria-current={slide.number === current ? "page" : undefined}
              aria-label={slide.title ? `Slide ${slide.number}: ${slide.title}` : `Slide ${slide.number}`}
            >
              <img
                src={slide.thumbnail}
                alt=""
                width={128}
                height={Math.round((128 * slide.height) / slide.width) || 72}
                loading="lazy"
              />
              <span aria-hidden="true">{slide.number}</span>
            </Link>
          </li>
        ))}
      </ol>
    </nav>
  );
}
