/**
 * A tiny client-side router: the pages are `/` (the dashboard), `/signin`, `/u/{handle}` (a presenter's
 * public decks), `/d/{slug}` and `/d/{slug}/{n}`. A deck page with `?embed=1` is the compact viewer for
 * an <iframe>; moving between its slides keeps it embedded. `/d/{slug}/{n}?q={quote}` opens slide n with
 * the quote highlighted: the link a chat citation carries.
 */
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from "react";

export type Route =
  | { page: "home" }
  | { page: "signin" }
  | { page: "owner"; handle: string }
  | { page: "deck"; slug: string; slide: number | null; embed: boolean; quote: string | null }
  | { page: "missing" };

const DECK_PATH = /^\/d\/([^/]+)(?:\/(\d+))?\/?$/;
const OWNER_PATH = /^\/u\/([^/]+)\/?$/;

function decoded(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

const EMBED = "embed=1";

export function isEmbedded(search: string): boolean {
  return new URLSearchParams(search).get("embed") === "1";
}

export function parseRoute(pathname: string, search = ""): Route {
  if (pathname === "/" || pathname === "") return { page: "home" };
  if (pathname === "/signin" || pathname === "/signin/") return { page: "signin" };
  const owner = OWNER_PATH.exec(pathname);
  const handle = owner?.[1] ? decoded(owner[1]) : null;
  if (handle) return { page: "owner", handle };
  const match = DECK_PATH.exec(pathname);
  const slug = match?.[1] ? decoded(match[1]) : null;
  if (!match || !slug) return { page: "missing" };
  const slide = match[2] ? Number(match[2]) : null;
  const quote = new URLSearchParams(search).get("q")?.trim() || null;
  return { page: "deck", slug, slide, embed: isEmbedded(search), quote };
}

export function ownerPath(handle: string): string {
  return `/u/${encodeURIComponent(handle)}`;
}

export function deckPath(slug: string, slide?: number): string {
  const base = `/d/${encodeURIComponent(slug)}`;
  return slide === undefined ? base : `${base}/${slide}`;
}

/** A slide with a quote on it highlighted (a citation's link); without a quote, the slide. */
export function quotePath(slug: string, slide: number, quote: string): string {
  const q = quote.trim();
  return q ? `${deckPath(slug, slide)}?${new URLSearchParams({ q })}` : deckPath(slug, slide);
}

/** The slide to show for a requested number: 1 when none, otherwise kept within 1..count. */
export function clampSlide(requested: number | null, count: number): number {
  if (requested === null || !Number.isFinite(requested) || count < 1) return 1;
  return Math.min(Math.max(Math.trunc(requested), 1), count);
}

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener("popstate", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("popstate", listener);
  };
}

/** Where a link inside an embedded viewer goes: a deck path stays embedded, anything else leaves. */
export function keepEmbed(to: string, search = window.location.search): string {
  const query = to.includes("?") ? to.slice(to.indexOf("?")) : "";
  if (!isEmbedded(search) || !to.startsWith("/d/") || isEmbedded(query)) return to;
  return `${to}${query ? "&" : "?"}${EMBED}`;
}

const here = () => window.location.pathname + window.location.search;

export function navigate(path: string, { replace = false } = {}): void {
  const to = keepEmbed(path);
  if (to === here()) return;
  window.history[replace ? "replaceState" : "pushState"](null, "", to);
  if (!replace) window.scrollTo(0, 0);
  listeners.forEach((listener) => listener());
}

export function useRoute(): Route {
  const url = new URL(useSyncExternalStore(subscribe, here), window.location.origin);
  return parseRoute(url.pathname, url.search);
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { to: string; replace?: boolean };

/** An <a> that navigates in-page on a plain click and behaves normally otherwise (new tab, copy link). */
/** A left click with no modifier key: the browser's own "open in a new tab or window" left alone. */
export function isPlainClick(event: MouseEvent): boolean {
  return event.button === 0 && !(event.metaKey || event.ctrlKey || event.shiftKey || event.altKey);
}

export function Link({ to, replace = false, onClick, ...props }: LinkProps) {
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || !isPlainClick(event)) return;
    event.preventDefault();
    navigate(to, { replace });
  };
  return <a {...props} href={keepEmbed(to)} onClick={follow} />;
}
