/** The deck's keyboard: ←/→ and PageUp/PageDown step, Home/End jump, F toggles full screen. */
import { useEffect } from "react";

export type KeyAction = { to: (current: number, count: number) => number } | { fullscreen: true };

const ACTIONS: Record<string, KeyAction> = {
  ArrowLeft: { to: (n) => n - 1 },
  ArrowRight: { to: (n) => n + 1 },
  PageUp: { to: (n) => n - 1 },
  PageDown: { to: (n) => n + 1 },
  Home: { to: () => 1 },
  End: { to: (_, count) => count },
  f: { fullscreen: true },
  F: { fullscreen: true },
};

/** Where keys belong to the control under focus: typing, and panels that scroll on their own keys. */
const OWNS_KEYS = "input, textarea, select, [contenteditable], [data-own-keys]";

export function keyAction(event: KeyboardEvent): KeyAction | null {
  const action = ACTIONS[event.key];
  if (!action || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return null;
  if (event.target instanceof Element && event.target.closest(OWNS_KEYS)) return null;
  return action;
}

export function useSlideKeys(
  number: number,
  count: number,
  go: (to: number) => void,
  toggleFullscreen: () => void,
) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const action = keyAction(event);
      if (!action) return;
      event.preventDefault();
      if ("fullscreen" in action) toggleFullscreen();
      else go(action.to(number, count));
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [number, count, go, toggleFullscreen]);
}
