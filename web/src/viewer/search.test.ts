import { describe, expect, it } from "vitest";
import { SLIDES } from "../test-fixtures";
import { queryTerms, searchSlides } from "./search";

describe("searchSlides", () => {
  it("finds every word of the query, in any case, title hits first", () => {
    const matches = searchSlides(SLIDES, "SERIES");
    expect(matches.map((m) => [m.slide, m.field])).toEqual([
      [2, "title"],
      [3, "text"],
    ]);
    expect(searchSlides(SLIDES, "series columns").map((m) => m.slide)).toEqual([3]);
  });

  it("searches the speaker notes too", () => {
    const [match] = searchSlides(SLIDES, "mention index");
    expect(match).toMatchObject({ slide: 2, field: "notes" });
    expect(match?.snippet).toEqual({ before: "", hit: "Mention", after: " the index." });
  });

  it("ignores accents, and cuts the snippet from the original text", () => {
    const [match] = searchSlides(SLIDES, "cafe");
    expect(match?.slide).toBe(4);
    expect(match?.snippet.hit).toBe("Café");
  });

  it("shows a window around a hit deep in long text", () => {
    const long = { ...SLIDES[0]!, text: `${"word ".repeat(40)}needle ${"more ".repeat(40)}` };
    const [match] = searchSlides([long], "needle");
    expect(match?.snippet.before.startsWith("…")).toBe(true);
    expect(match?.snippet.after.endsWith("…")).toBe(true);
    expect(match?.snippet.hit).toBe("needle");
  });

  it("matches nothing for an empty query or absent words", () => {
    expect(searchSlides(SLIDES, "   ")).toEqual([]);
    expect(searchSlides(SLIDES, "series zebra")).toEqual([]);
  });

  it("splits the query on any whitespace", () => {
    expect(queryTerms("  Read\tCSV ")).toEqual(["read", "csv"]);
  });
});
