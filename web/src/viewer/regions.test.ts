import { describe, expect, it } from "vitest";
import type { Slide } from "../api/client";
import { SLIDES } from "../test-fixtures";
import { locatedText, quoteRegions, quoteSpans, spansRegions, type TextLine } from "./regions";
import { termSpans } from "./search";

const LEFT = 0.1;
const ADVANCE = 0.01;
const LINE_HEIGHT = 0.08;

/**
 * A slide laid out as a typewriter would: each line of its located text on its own row, each character
 * (code point, as the server counts) ADVANCE wide, so where any character lies is known independently.
 */
function typed(title: string, text: string, { ocr = false } = {}): Pick<Slide, "title" | "text" | "lines"> {
  const chars = Array.from(locatedText({ title, text }));
  const lines: TextLine[] = [];
  let start = 0;
  let row = 0;
  while (start <= chars.length) {
    let end = chars.indexOf("\n", start);
    if (end < 0) end = chars.length;
    const n = end - start;
    const edges = Array.from({ length: n + 1 }, (_, k) => LEFT + k * ADVANCE);
    const box = { x: LEFT, y: 0.1 + row * 0.1, w: n * ADVANCE, h: LINE_HEIGHT };
    if (n) lines.push({ start, end, box, edges: ocr ? [] : edges });
    start = end + 1;
    row += 1;
  }
  return { title, text, lines };
}

/** Where the typewriter put characters [from, to) of row `row`. */
const at = (row: number, from: number, to: number) => ({
  x: LEFT + from * ADVANCE,
  y: 0.1 + row * 0.1,
  w: (to - from) * ADVANCE,
  h: LINE_HEIGHT,
});

function close(actual: { x: number; y: number; w: number; h: number }[], expected: typeof actual) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((box, n) => {
    const want = expected[n]!;
    for (const key of ["x", "y", "w", "h"] as const) expect(box[key]).toBeCloseTo(want[key], 4);
  });
}

describe("quoteRegions", () => {
  it("boxes exactly the quoted characters of a line", () => {
    const slide = typed("Selecting columns", "df['name'] returns a Series");
    close(quoteRegions("returns a Series", slide), [at(1, 11, 27)]);
  });

  it("gives one box per line a quote spans, matching across line breaks and spacing", () => {
    const slide = typed("Series", "A one-dimensional\nlabelled   array");
    close(quoteRegions("one-dimensional labelled", slide), [at(1, 2, 17), at(2, 0, 8)]);
  });

  it("counts offsets in code points, as the server does", () => {
    const slide = typed("Weather 🌦 today", "Rain 🌧 then sun");
    close(quoteRegions("then sun", slide), [at(1, 7, 15)]);
    close(quoteRegions("🌦 today", slide), [at(0, 8, 15)]);
  });

  it("boxes the whole line where only the line's box is known (OCR)", () => {
    const slide = typed("Scanned", "a line read by OCR", { ocr: true });
    close(quoteRegions("read by", slide), [at(1, 0, 18)]);
  });

  it("has no boxes for text that is not on the slide, or a slide without lines", () => {
    expect(quoteRegions("not on this slide", typed("Title", "Body"))).toEqual([]);
    expect(quoteRegions("Series", SLIDES[1]!)).toEqual([]);
    expect(quoteRegions("  ", typed("Title", "Body"))).toEqual([]);
  });
});

describe("quoteSpans", () => {
  it("finds every place, in UTF-16 offsets of the text", () => {
    const text = "🌧 rain,  rain";
    expect(quoteSpans("rain", text).map(([a, b]) => text.slice(a, b))).toEqual(["rain", "rain"]);
    expect(quoteSpans("rain, rain", text).map(([a, b]) => text.slice(a, b))).toEqual(["rain,  rain"]);
  });
});

describe("search hits", () => {
  it("box every folded match of every word on the slide", () => {
    const slide = typed("Café data", "Reading CAFE files");
    const spans = termSpans(locatedText(slide), "cafe");
    close(spansRegions(slide, spans), [at(0, 0, 4), at(1, 8, 12)]);
  });
});
