import { describe, expect, it } from "vitest";
import { slideAlt, srcSet } from "./slides";

describe("slideAlt", () => {
  it("names the slide, its title and the start of its text without repeating the title", () => {
    const slide = { number: 2, title: "Series", text: "Series\nA one-dimensional   labelled array." };
    expect(slideAlt(slide)).toBe("Slide 2: Series — A one-dimensional labelled array.");
  });

  it("cuts long text at a word", () => {
    const alt = slideAlt({ number: 1, title: "", text: "word ".repeat(100) });
    expect(alt.startsWith("Slide 1 — word word")).toBe(true);
    expect(alt.endsWith("word…")).toBe(true);
    expect(alt.length).toBeLessThan(160);
  });

  it("falls back to the number", () => {
    expect(slideAlt({ number: 9, title: " ", text: "" })).toBe("Slide 9");
  });
});

describe("srcSet", () => {
  it("offers the thumbnail and the full image by width", () => {
    const slide = { thumbnail: "/media/a.webp", image: "/media/b.webp", width: 1600 };
    expect(srcSet(slide)).toBe("/media/a.webp 320w, /media/b.webp 1600w");
  });
});
