/** Pure helpers for the slide viewer. */
import type { Slide } from "./api/client";

const ALT_TEXT_CHARS = 140;

function truncate(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit);
  const space = cut.lastIndexOf(" ");
  return `${(space > limit / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** "Slide 3: Title — the start of the slide's text…" */
export function slideAlt(slide: Pick<Slide, "number" | "title" | "text">): string {
  const title = slide.title.replace(/\s+/g, " ").trim();
  let text = slide.text.replace(/\s+/g, " ").trim();
  if (title && text.startsWith(title)) text = text.slice(title.length).trim();
  const head = title ? `Slide ${slide.number}: ${title}` : `Slide ${slide.number}`;
  return text ? `${head} — ${truncate(text, ALT_TEXT_CHARS)}` : head;
}

/** The thumbnail is rendered 320 px wide; the full image is `width` px wide (1600 by default). */
export function srcSet(slide: Pick<Slide, "thumbnail" | "image" | "width">): string {
  return `${slide.thumbnail} 320w, ${slide.image} ${slide.width || 1600}w`;
}

/**
 * How wide the stage is drawn, for choosing between the thumbnail and the full image: the deck column
 * beside the chat on wide screens, the page width less its padding on narrow ones (see styles.css).
 */
export const STAGE_SIZES = "(min-width: 900px) calc(100vw - 30rem), calc(100vw - 2rem)";
