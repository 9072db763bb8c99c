/** Full screen for one element through the Fullscreen API, where the browser has it. */
import { useCallback, useEffect, useState, type RefObject } from "react";

export function useFullscreen(target: RefObject<HTMLElement | null>) {
  const [active, setActive] = useState(false);
  const supported = typeof document !== "undefined" && document.fullscreenEnabled === true;

  useEffect(() => {
    const sync = () =>
      setActive(document.fullscreenElement !== null && document.fullscreenElement === target.current);
    document.addEventListener("fullscreenchange", sync);
    return () => document.removeEventListener("fullscreenchange", sync);
  }, [target]);

  const toggle = useCallback(() => {
    if (!document.fullscreenEnabled) return;
    // A refusal (no user gesture, a permissions policy) leaves the page as it was; nothing to report.
    if (document.fullscreenElement) document.exitFullscreen().catch(() => undefined);
    else target.current?.requestFullscreen().catch(() => undefined);
  }, [target]);

  return { active, supported, toggle };
}
