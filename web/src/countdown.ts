/** Seconds left until a moment (a Retry-After's end), counting down on screen. */
import { useEffect, useState } from "react";

export const secondsUntil = (at: number | null, now = Date.now()) =>
  at === null ? 0 : Math.max(0, Math.ceil((at - now) / 1000));

/** Worked out on every render, so it is right from the first; a timer re-renders until it reaches 0. */
export function useSecondsUntil(at: number | null): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (at === null) return;
    const timer = window.setInterval(() => {
      setTick((n) => n + 1);
      if (secondsUntil(at) === 0) window.clearInterval(timer);
    }, 250);
    return () => window.clearInterval(timer);
  }, [at]);
  return secondsUntil(at);
}
