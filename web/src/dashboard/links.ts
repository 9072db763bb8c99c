/** What a presenter copies to share a deck: its link, and an embed snippet of the viewer with chat. */

type Shared = { slug: string; url: string; title: string };

/** The deck's absolute address; the server's public URL when it gave one, else this page's origin. */
export function deckLink(deck: Pick<Shared, "url">, origin = window.location.origin): string {
  return new URL(deck.url, origin).href;
}

const escapeAttribute = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function embedSnippet(deck: Shared, origin = window.location.origin): string {
  const site = new URL(deck.url, origin).origin;
  const src = `${site}/d/${encodeURIComponent(deck.slug)}?embed=1`;
  return (
    `<iframe src="${src}" title="${escapeAttribute(deck.title)}" width="960" height="600" ` +
    `style="border:0;max-width:100%" allow="fullscreen; clipboard-write" loading="lazy"></iframe>`
  );
}
