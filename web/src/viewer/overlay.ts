/**
 * Where a highlight goes over the slide image. The image is drawn with `object-fit: contain`, so when
 * its box is not the slide's shape (a capped height, full screen) the picture sits centred inside it
 * with bars beside or above it; the overlay covers the picture itself, and regions are percentages of
 * that, so they follow the image at any size.
 */
import { useLayoutEffect, useState, type CSSProperties, type RefObject } from "react";
import type { Box } from "./regions";

export type Rect = { left: number; top: number; width: number; height: number };
export type Size = { width: number; height: number };

/** The part of `box` that an image of `natural` size fills under `object-fit: contain` (centred). */
export function containedRect(box: Rect, natural: Size): Rect {
  if (box.width <= 0 || box.height <= 0 || natural.width <= 0 || natural.height <= 0) return box;
  const scale = Math.min(box.width / natural.width, box.height / natural.height);
  const width = natural.width * scale;
  const height = natural.height * scale;
  return {
    left: box.left + (box.width - width) / 2,
    top: box.top + (box.height - height) / 2,
    width,
    height,
  };
}

const percent = (fraction: number) => `${(fraction * 100).toFixed(3)}%`;

/** A region (fractions of the slide) as CSS over the picture. */
export function regionStyle(box: Box): CSSProperties {
  return { left: percent(box.x), top: percent(box.y), width: percent(box.w), height: percent(box.h) };
}

/** A rect as absolute CSS in px. */
export function rectStyle(rect: Rect): CSSProperties {
  return { left: rect.left, top: rect.top, width: rect.width, height: rect.height };
}

/**
 * The picture's rect inside the image's offset parent, kept current as the image loads or resizes
 * (window, phone rotation, full screen). Null until the image has a size.
 */
export function usePictureRect(image: RefObject<HTMLImageElement | null>, natural: Size): Rect | null {
  const [rect, setRect] = useState<Rect | null>(null);
  const { width, height } = natural;
  useLayoutEffect(() => {
    const img = image.current;
    if (!img) return;
    const measure = () => {
      const box = { left: img.offsetLeft, top: img.offsetTop, width: img.offsetWidth, height: img.offsetHeight };
      const next = box.width > 0 && box.height > 0 ? containedRect(box, { width, height }) : null;
      setRect((known) => (same(known, next) ? known : next));
    };
    measure();
    img.addEventListener("load", measure);
    const observer = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(measure);
    observer?.observe(img);
    return () => {
      img.removeEventListener("load", measure);
      observer?.disconnect();
    };
  }, [image, width, height]);
  return rect;
}

function same(a: Rect | null, b: Rect | null): boolean {
  if (a === null || b === null) return a === b;
  return a.left === b.left && a.top === b.top && a.width === b.width && a.height === b.height;
}
