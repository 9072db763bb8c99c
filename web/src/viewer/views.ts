/** Count a slide as viewed once it has stayed on screen for a moment, not for every slide flicked past. */
import { useEffect, useRef } from "react";

export const VIEW_AFTER_MS = 1000;

/** Calls `onView(number)` once per slide per visit, after it has been shown for VIEW_AFTER_MS. */
export function useViewPing(number: number, onView: ((slide: number) => void) | undefined) {
  const counted = useRef(new Set<number>());
  useEffect(() => {
    if (!onView || counted.current.has(number)) return;
    const timer = window.setTimeout(() => {
      if (document.visibilityState === "hidden") return; // a background tab is not watching
      counted.current.add(number);
      onView(number);
    }, VIEW_AFTER_MS);
    return () => window.clearTimeout(timer);
  }, [number, onView]);
}
