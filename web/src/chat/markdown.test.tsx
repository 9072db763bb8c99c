import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Markdown, safeHref } from "./markdown";

const html = (text: string) => renderToStaticMarkup(<Markdown text={text} />);

describe("Markdown", () => {
  it("turns script tags and other HTML into text", () => {
    const out = html('<script>alert("x")</script> and <img src=x onerror=alert(1)>');
    expect(out).not.toContain("<script");
    expect(out).not.toContain("<img");
    expect(out).toBe(
      "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; and &lt;img src=x onerror=alert(1)&gt;</p>",
    );
  });

  it("renders bold, emphasis and code, and nothing inside code", () => {
    expect(html("**Series** are *one*-dimensional, _labelled_; use `df['a'] **x**`")).toBe(
      "<p><strong>Series</strong> are <em>one</em>-dimensional, <em>labelled</em>; " +
        "use <code>df[&#x27;a&#x27;] **x**</code></p>",
    );
  });

  it("keeps snake_case words and lone stars as they are", () => {
    expect(html("read_csv and 2 * 3 * 4")).toBe("<p>read_csv and 2 * 3 * 4</p>");
  });

  it("splits paragraphs on blank lines and keeps single line breaks", () => {
    expect(html("First line\nsecond line\n\nNext")).toBe("<p>First line<br/>second line</p><p>Next</p>");
  });

  it("renders bulleted and numbered lists", () => {
    expect(html("Steps:\n- one\n- **two**\n\n1. first\n2) second")).toBe(
      "<p>Steps:</p><ul><li>one</li><li><strong>two</strong></li></ul><ol><li>first</li><li>second</li></ol>",
    );
  });

  it("renders fenced code as a block, verbatim", () => {
    expect(html("```\n<b>x</b>\n```")).toBe("<pre><code>&lt;b&gt;x&lt;/b&gt;</code></pre>");
  });

  it("links http(s) only, opening safely in a new tab", () => {
    expect(html("[docs](https://pandas.pydata.org/docs) or https://example.com/a.")).toBe(
      '<p><a href="https://pandas.pydata.org/docs" rel="noopener noreferrer" target="_blank">docs</a> or ' +
        '<a href="https://example.com/a" rel="noopener noreferrer" target="_blank">https://example.com/a</a>.</p>',
    );
  });

  it("leaves javascript: and other schemes as plain text", () => {
    const out = html("[click](javascript:alert(1)) [data](data:text/html,hi) [rel](/d/x)");
    expect(out).not.toContain("<a");
    expect(out).not.toContain("href");
    expect(out).toContain("click");
  });
});

describe("safeHref", () => {
  it("accepts http and https and refuses the rest", () => {
    expect(safeHref("http://a.test/x")).toBe("http://a.test/x");
    expect(safeHref("HTTPS://a.test")).toBe("https://a.test/");
    expect(safeHref("javascript:alert(1)")).toBeNull();
    expect(safeHref(" javascript:alert(1)")).toBeNull();
    expect(safeHref("mailto:a@b.test")).toBeNull();
    expect(safeHref("/relative")).toBeNull();
  });
});
