import { describe, expect, it } from "vitest";
import { clampSlide, deckPath, keepEmbed, ownerPath, parseRoute, quotePath } from "./router";

describe("parseRoute", () => {
  it("reads the home page", () => {
    expect(parseRoute("/")).toEqual({ page: "home" });
  });

  it("reads a deck with and without a slide number", () => {
    expect(parseRoute("/d/pandas-intro")).toEqual({
      page: "deck",
      slug: "pandas-intro",
      slide: null,
      embed: false,
      quote: null,
    });
    expect(parseRoute("/d/pandas-intro/")).toEqual({
      page: "deck",
      slug: "pandas-intro",
      slide: null,
      embed: false,
      quote: null,
    });
    expect(parseRoute("/d/pandas-intro/7")).toEqual({
      page: "deck",
      slug: "pandas-intro",
      slide: 7,
      embed: false,
      quote: null,
    });
  });

  it("decodes the slug and round-trips through deckPath", () => {
    const path = deckPath("café deck", 3);
    expect(path).toBe("/d/caf%C3%A9%20deck/3");
    expect(parseRoute(path)).toEqual({ page: "deck", slug: "café deck", slide: 3, embed: false, quote: null });
  });

  it("reads the embedded viewer from ?embed=1 only", () => {
    expect(parseRoute("/d/pandas/2", "?embed=1")).toEqual({
      page: "deck",
      slug: "pandas",
      slide: 2,
      embed: true,
      quote: null,
    });
    expect(parseRoute("/d/pandas", "?embed=0")).toMatchObject({ embed: false });
    expect(parseRoute("/", "?embed=1")).toEqual({ page: "home" });
  });

  it("reads the sign-in page and a presenter's page", () => {
    expect(parseRoute("/signin")).toEqual({ page: "signin" });
    expect(parseRoute("/u/ada")).toEqual({ page: "owner", handle: "ada" });
    expect(parseRoute(ownerPath("ada lovelace"))).toEqual({ page: "owner", handle: "ada lovelace" });
  });

  it("rejects anything else", () => {
    const paths = ["/d", "/d/", "/d/x/two", "/d/x/1/2", "/decks", "/d/%E0%A4%A", "/u", "/u/", "/u/a/b"];
    for (const path of [...paths, "/u/%E0%A4%A", "/signin/x"]) {
      expect(parseRoute(path)).toEqual({ page: "missing" });
    }
  });
});

describe("clampSlide", () => {
  it("starts at slide 1 when no number is asked for", () => {
    expect(clampSlide(null, 10)).toBe(1);
  });

  it("keeps the number within the deck", () => {
    expect(clampSlide(4, 10)).toBe(4);
    expect(clampSlide(0, 10)).toBe(1);
    expect(clampSlide(-3, 10)).toBe(1);
    expect(clampSlide(11, 10)).toBe(10);
    expect(clampSlide(Number.MAX_SAFE_INTEGER, 10)).toBe(10);
    expect(clampSlide(Number.NaN, 10)).toBe(1);
  });

  it("answers 1 for an empty deck", () => {
    expect(clampSlide(5, 0)).toBe(1);
  });
});

describe("keepEmbed", () => {
  it("keeps an embedded viewer embedded as it moves between slides, and nothing else", () => {
    expect(keepEmbed("/d/pandas/3", "?embed=1")).toBe("/d/pandas/3?embed=1");
    expect(keepEmbed("/d/pandas/3", "")).toBe("/d/pandas/3");
    expect(keepEmbed("/", "?embed=1")).toBe("/");
  });

  it("keeps a quote link embedded too, once", () => {
    expect(keepEmbed("/d/pandas/3?q=df", "?embed=1")).toBe("/d/pandas/3?q=df&embed=1");
    expect(keepEmbed("/d/pandas/3?q=df&embed=1", "?embed=1")).toBe("/d/pandas/3?q=df&embed=1");
  });
});

describe("quotePath", () => {
  it("round-trips a quote through the deep link", () => {
    const path = quotePath("pandas", 3, "  df['name'] & a 100% Series? ");
    const url = new URL(path, "http://deck.test");
    expect(parseRoute(url.pathname, url.search)).toEqual({
      page: "deck",
      slug: "pandas",
      slide: 3,
      embed: false,
      quote: "df['name'] & a 100% Series?",
    });
  });

  it("is the plain slide link without a quote", () => {
    expect(quotePath("pandas", 3, " ")).toBe(deckPath("pandas", 3));
    expect(parseRoute("/d/pandas/3", "?q=")).toMatchObject({ quote: null });
  });
});
