import { describe, expect, it } from "vitest";
import { deckLink, embedSnippet } from "./links";

const ORIGIN = "http://localhost:8000";

describe("deckLink", () => {
  it("makes a path absolute and keeps the server's public URL", () => {
    expect(deckLink({ url: "/d/talk" }, ORIGIN)).toBe("http://localhost:8000/d/talk");
    expect(deckLink({ url: "https://talks.example.org/d/talk" }, ORIGIN)).toBe(
      "https://talks.example.org/d/talk",
    );
  });
});

describe("embedSnippet", () => {
  it("is an iframe of the embedded viewer, titled for screen readers, with the title escaped", () => {
    const snippet = embedSnippet(
      { slug: "q3-review", url: "/d/q3-review", title: 'Q3 "review" <draft> & more' },
      ORIGIN,
    );
    expect(snippet).toMatch(/^<iframe src="http:\/\/localhost:8000\/d\/q3-review\?embed=1" /);
    expect(snippet).toContain('title="Q3 &quot;review&quot; &lt;draft&gt; &amp; more"');
    expect(snippet).toContain('allow="fullscreen; clipboard-write"');
    expect(snippet).toMatch(/><\/iframe>$/);
  });

  it("points at the public site when the server has one", () => {
    const snippet = embedSnippet({ slug: "x", url: "https://talks.example.org/d/x", title: "X" }, ORIGIN);
    expect(snippet).toContain('src="https://talks.example.org/d/x?embed=1"');
  });
});
