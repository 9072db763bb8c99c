/** A tiny client-side router: the pages are `/`, `/d/{slug}` and `/d/{slug}/{n}`. */
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from "react";

export type Route =
  { page: "home" } | { page: "deck"; slug: string; slide: number | null } | { page: "missing" };

const DECK_PATH = /^\/d\/([^/]+)(?:\/(\d+))?\/?$/;

export function parseRoute(pathname: string): Route {
  if (pathname === "/" || pathname === "") return { page: "home" };
  const match = DECK_PATH.exec(pathname);
  if (!match?.[1]) return { page: "missing" };
  let slug: string;
  try {
    slug = decodeURIComponent(match[1]);
  } catch {
    return { page: "missing" };
  }
  return { page: "deck", slug, slide: match[2] ? Number(match[2]) : null };
}

export function deckPath(slug: string, slide?: number): string {
  const base = `/d/${encodeURIComponent(slug)}`;
  return slide === undefined ? base : `${base}/${slide}`;
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

export function navigate(to: string, { replace = false } = {}): void {
  if (to === window.location.pathname) return;
  window.history[replace ? "replaceState" : "pushState"](null, "", to);
  if (!replace) window.scrollTo(0, 0);
  listeners.forEach((listener) => listener());
}

export function useRoute(): Route {
  return parseRoute(useSyncExternalStore(subscribe, () => window.location.pathname));
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { to: string; replace?: boolean };

/** An <a> that navigates in-page on a plain click and behaves normally otherwise (new tab, copy link). */
export function Link({ to, replace = false, onClick, ...props }: LinkProps) {
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to, { replace });
  };
  return <a {...props} href={to} onClick={follow} />;
}
