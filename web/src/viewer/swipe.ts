/** Swipe left or right on a touch screen to move through the deck. */
import { useRef, type PointerEvent } from "react";

const MIN_DISTANCE = 40;

/** +1 (next) for a swipe to the left, -1 for one to the right, 0 for a tap or a mostly vertical move. */
export function swipeStep(dx: number, dy: number): -1 | 0 | 1 {
  if (Math.abs(dx) < MIN_DISTANCE || Math.abs(dx) < 1.5 * Math.abs(dy)) return 0;
  return dx < 0 ? 1 : -1;
}

/** Pointer handlers for the stage. A mouse is left alone: it has buttons and keys, and may be selecting. */
export function useSwipe(onStep: (step: -1 | 1) => void) {
  const start = useRef<{ id: number; x: number; y: number } | null>(null);
  return {
    onPointerDown(event: PointerEvent) {
      if (event.pointerType === "mouse" || !event.isPrimary) return;
      start.current = { id: event.pointerId, x: event.clientX, y: event.clientY };
    },
    onPointerUp(event: PointerEvent) {
      const from = start.current;
      start.current = null;
      if (!from || from.id !== event.pointerId) return;
      const step = swipeStep(event.clientX - from.x, event.clientY - from.y);
      if (step) onStep(step);
    },
    onPointerCancel() {
      start.current = null;
    },
  };
}
