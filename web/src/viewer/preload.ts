/** Fetch the slides either side of the current one, so stepping shows them without a wait. */
import { useEffect } from "react";
import type { Slide } from "../api/client";
import { srcSet, STAGE_SIZES } from "../slides";

export function usePreloadNeighbours(slides: Slide[], number: number) {
  useEffect(() => {
    for (const neighbour of [slides[number], slides[number - 2]]) {
      if (!neighbour) continue;
      const image = new Image();
      // sizes before srcset, so the browser picks the same candidate the stage will ask for.
      image.sizes = STAGE_SIZES;
      image.srcset = srcSet(neighbour);
      image.src = neighbour.image;
    }
  }, [slides, number]);
}
