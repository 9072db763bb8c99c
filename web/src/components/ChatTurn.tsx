import type { Slide } from "../api/client";
import type { Citation } from "../chat/ask";
import type { Turn } from "../chat/conversation";
import { Markdown } from "../chat/markdown";
import { isPlainClick, keepEmbed, quotePath } from "../router";

type OnCite = (citation: Citation) => void;
type CiteProps = { citations: Citation[]; slug: string; slides: Slide[]; onCite: OnCite };

/**
 * One chip per cited slide (first quote wins), with its thumbnail; a click shows that slide with the
 * quote highlighted. Each chip is a link to that view (`?q=`), to copy or open in a new tab.
 */
export function CitationChips({ citations, slug, slides, onCite }: CiteProps) {
  const unique = [...new Map(citations.map((c) => [c.slide, c] as const)).values()];
  if (!unique.length) return null;
  return (
    <ul className="citations" aria-label="Cited slides">
      {unique.map((citation) => {
        const slide = slides[citation.slide - 1];
        const name = slide?.title ? `Slide ${citation.slide}: ${slide.title}` : `Slide ${citation.slide}`;
        return (
          <li key={citation.slide}>
            <a
              className="cite"
              href={keepEmbed(quotePath(slug, citation.slide, citation.quote))}
              onClick={(event) => {
                if (!isPlainClick(event)) return;
                event.preventDefault();
                onCite(citation);
              }}
              aria-label={`Show ${name}`}
              title={citation.quote || name}
            >
              {slide && (
                <img
                  src={slide.thumbnail}
                  alt=""
                  width={64}
                  height={Math.round((64 * slide.height) / slide.width) || 36}
                  loading="lazy"
                />
              )}
              <span>Slide {citation.slide}</span>
            </a>
          </li>
        );
      })}
    </ul>
  );
}

type TurnProps = { turn: Turn; slug: string; slides: Slide[]; onCite: OnCite };

export function ChatTurn({ turn, slug, slides, onCite }: TurnProps) {
  if (turn.role === "user") {
    return (
      <li className="turn turn-user">
        <h3 className="visually-hidden">You asked</h3>
        {turn.slide !== null && <p className="turn-slide">About slide {turn.slide}</p>}
        <p className="bubble">{turn.text}</p>
      </li>
    );
  }
  return (
    <li className={`turn turn-assistant${turn.refused ? " refused" : ""}`}>
      <h3 className="visually-hidden">The deck answered</h3>
      <div className="bubble">
        {turn.text ? <Markdown text={turn.text} /> : null}
        {turn.stopped && <p className="muted">Stopped.</p>}
      </div>
      <CitationChips citations={turn.citations} slug={slug} slides={slides} onCite={onCite} />
    </li>
  );
}
