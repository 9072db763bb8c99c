/** Search inside one deck, in the browser: a deck is at most a few hundred slides of text. */
import type { Slide } from "../api/client";

export type Field = "title" | "text" | "notes";
export type SlideMatch = {
  slide: number;
  title: string;
  field: Field;
  /** A window of the field's text around the first hit, and where the hit lies in it. */
  snippet: { before: string; hit: string; after: string };
};

const FIELDS: Field[] = ["title", "text", "notes"];
const CONTEXT = 40;

/**
 * Case- and accent-folded text, with each folded character's index in the original, so a hit found in
 * the folded text can be cut from the original ("Café" matches "cafe", and the snippet shows "Café").
 */
function fold(text: string): { folded: string; origin: number[] } {
  let folded = "";
  const origin: number[] = [];
  let at = 0;
  for (const char of text) {
    const plain = char.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
    const piece = /\s/.test(char) ? " " : plain;
    for (let i = 0; i < piece.length; i++) origin.push(at);
    folded += piece;
    at += char.length;
  }
  origin.push(at);
  return { folded, origin };
}

export function queryTerms(query: string): string[] {
  return fold(query).folded.split(" ").filter(Boolean);
}

/** Where each word of the query appears in `text` (folded as the search folds), as `[start, end)`. */
export function termSpans(text: string, query: string): [number, number][] {
  const { folded, origin } = fold(text);
  const spans: [number, number][] = [];
  for (const term of queryTerms(query)) {
    for (let at = folded.indexOf(term); at >= 0; at = folded.indexOf(term, at + term.length)) {
      spans.push([origin[at] ?? 0, origin[at + term.length] ?? text.length]);
    }
  }
  return spans;
}

function snippet(text: string, start: number, end: number): SlideMatch["snippet"] {
  const from = Math.max(0, start - CONTEXT);
  const to = Math.min(text.length, end + CONTEXT);
  const flat = (part: string) => part.replace(/\s+/g, " ");
  return {
    before: (from > 0 ? "…" : "") + flat(text.slice(from, start)).trimStart(),
    hit: text.slice(start, end),
    after: flat(text.slice(end, to)).trimEnd() + (to < text.length ? "…" : ""),
  };
}

/**
 * Slides whose title, text and notes together hold every word of the query; title hits first, then in
 * deck order. Words are matched as substrings, which also serves scripts written without spaces.
 */
export function searchSlides(slides: Slide[], query: string): SlideMatch[] {
  const terms = queryTerms(query);
  if (!terms.length) return [];
  const matches: SlideMatch[] = [];
  for (const slide of slides) {
    const folded = FIELDS.map((field) => ({ field, text: slide[field], ...fold(slide[field]) }));
    if (!terms.every((term) => folded.some((f) => f.folded.includes(term)))) continue;
    const first = terms[0] ?? "";
    const where = folded.find((f) => f.folded.includes(first));
    if (!where) continue;
    const index = where.folded.indexOf(first);
    const start = where.origin[index] ?? 0;
    const end = where.origin[index + first.length] ?? where.text.length;
    matches.push({
      slide: slide.number,
      title: slide.title,
      field: where.field,
      snippet: snippet(where.text, start, end),
    });
  }
  const rank = (match: SlideMatch) => (match.field === "title" ? 0 : 1);
  return matches.sort((a, b) => rank(a) - rank(b) || a.slide - b.slide);
}
