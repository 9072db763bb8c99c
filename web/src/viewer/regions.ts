/**
 * Where text sits on a slide image: the one text -> boxes mapping of the viewer, for a cited quote and
 * for search hits alike. It mirrors deckchat/core/boxes.py, which gives a chat citation its regions, so a
 * deep link (`?q=` quote) draws the same boxes the answer did.
 *
 * A slide's `lines` count their `[start, end)` in its located text (the title, a line break, the text) in
 * code points, as Python does; JavaScript strings count UTF-16 units, so offsets are converted at the
 * one place they cross over (`spanRegions`).
 */
import type { Slide } from "../api/client";
import type { components } from "../api/schema";

export type Box = components["schemas"]["Box"];
export type TextLine = components["schemas"]["TextLine"];
/** `[start, end)` in UTF-16 units of some text. */
export type Span = readonly [number, number];

const DIGITS = 4;

/** The string a slide's line offsets count in (core/boxes.py `located_text`). */
export function locatedText(slide: Pick<Slide, "title" | "text">): string {
  return `${slide.title}\n${slide.text}`;
}

/** `text` trimmed, each whitespace run one space, and for each unit of that the index it came from. */
function normalised(text: string): { norm: string; where: number[] } {
  let norm = "";
  const where: number[] = [];
  let at = 0;
  for (const char of text) {
    if (/\s/u.test(char)) {
      if (norm && !norm.endsWith(" ")) {
        norm += " ";
        where.push(at);
      }
    } else {
      norm += char;
      for (let i = 0; i < char.length; i++) where.push(at);
    }
    at += char.length;
  }
  if (norm.endsWith(" ")) {
    norm = norm.slice(0, -1);
    where.pop();
  }
  return { norm, where };
}

/** Every place `quote` appears in `text`, whitespace runs counting as equal, in order. */
export function quoteSpans(quote: string, text: string): Span[] {
  const wanted = normalised(quote).norm;
  if (!wanted) return [];
  const { norm, where } = normalised(text);
  const spans: Span[] = [];
  for (let pos = norm.indexOf(wanted); pos >= 0; pos = norm.indexOf(wanted, pos + 1)) {
    const last = where[pos + wanted.length - 1] ?? 0;
    spans.push([where[pos] ?? 0, last + (text.codePointAt(last)! > 0xffff ? 2 : 1)]);
  }
  return spans;
}

function codePoints(text: string, units: number): number {
  return Array.from(text.slice(0, units)).length;
}

const rounded = (value: number) => Number(value.toFixed(DIGITS));

/**
 * The boxes of `located`'s characters `[start, end)` (UTF-16), one per line they touch: the exact
 * characters' width where the line kept its character edges, the whole line's where it did not (OCR).
 */
export function spanRegions(located: string, span: Span, lines: readonly TextLine[]): Box[] {
  const start = codePoints(located, span[0]);
  const end = codePoints(located, span[1]);
  const regions: Box[] = [];
  for (const line of lines) {
    const lo = Math.max(start, line.start);
    const hi = Math.min(end, line.end);
    if (lo >= hi) continue;
    const xs = line.edges?.length ? line.edges.slice(lo - line.start, hi - line.start + 1) : [];
    const left = xs.length ? Math.min(...xs) : line.box.x;
    const right = xs.length ? Math.max(...xs) : line.box.x + line.box.w;
    regions.push({ x: rounded(left), y: rounded(line.box.y), w: rounded(right - left), h: rounded(line.box.h) });
  }
  return regions;
}

/** A quote's boxes on the slide: its first place that has any (core/boxes.py `quote_regions`). */
export function quoteRegions(quote: string, slide: Pick<Slide, "title" | "text" | "lines">): Box[] {
  const lines = slide.lines ?? [];
  if (!lines.length) return [];
  const located = locatedText(slide);
  for (const span of quoteSpans(quote, located)) {
    const regions = spanRegions(located, span, lines);
    if (regions.length) return regions;
  }
  return [];
}

/** The boxes of every span (search hits) on the slide. */
export function spansRegions(slide: Pick<Slide, "title" | "text" | "lines">, spans: readonly Span[]): Box[] {
  const lines = slide.lines ?? [];
  const located = locatedText(slide);
  return lines.length ? spans.flatMap((span) => spanRegions(located, span, lines)) : [];
}
