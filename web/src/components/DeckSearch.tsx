import { useId, useMemo, type KeyboardEvent } from "react";
import type { Slide } from "../api/client";
import { searchSlides } from "../viewer/search";

const SHOWN = 30;

type Props = { slides: Slide[]; go: (slide: number) => void; query: string; onQuery: (query: string) => void };

/**
 * Find words in the deck's titles, text and notes; a result (or Enter, for the first) shows its slide.
 * The query is the viewer's, which draws the words' boxes on the slide shown.
 */
export function DeckSearch({ slides, go, query, onQuery }: Props) {
  const matches = useMemo(() => searchSlides(slides, query), [slides, query]);
  const id = useId();
  const searching = query.trim() !== "";

  const onKey = (event: KeyboardEvent<HTMLInputElement>) => {
    const first = matches[0];
    if (event.key === "Enter" && first) {
      event.preventDefault();
      go(first.slide);
    }
  };

  return (
    <div className="deck-search" role="search">
      <label htmlFor={id}>Search this deck</label>
      <input
        id={id}
        type="search"
        value={query}
        placeholder="Words on the slides or in the notes"
        onChange={(event) => onQuery(event.target.value)}
        onKeyDown={onKey}
      />
      <p className="muted search-count" role="status">
        {searching &&
          (matches.length
            ? `${matches.length} ${matches.length === 1 ? "slide" : "slides"} match`
            : "No slide matches")}
      </p>
      {searching && matches.length > 0 && (
        <ul className="search-results" aria-label="Search results">
          {matches.slice(0, SHOWN).map((match) => (
            <li key={match.slide}>
              <button type="button" onClick={() => go(match.slide)}>
                <span className="result-title">
                  Slide {match.slide}
                  {match.title && `: ${match.title}`}
                </span>
                <span className="result-snippet">
                  {match.field === "notes" && <span className="muted">Notes: </span>}
                  {match.snippet.before}
                  <mark>{match.snippet.hit}</mark>
                  {match.snippet.after}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
