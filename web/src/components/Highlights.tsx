import type { Box } from "../viewer/regions";
import { rectStyle, regionStyle, type Rect } from "../viewer/overlay";

export type HighlightKind = "cited" | "found";

type Props = { picture: Rect | null; kind: HighlightKind; regions: readonly Box[] };

/**
 * Boxes drawn over the slide picture: an outline and a tint, so they show without colour and in forced
 * colours. They are decoration (the quote is told to screen readers in words, see SlideViewer) and let
 * clicks and swipes through to the slide.
 */
export function Highlights({ picture, kind, regions }: Props) {
  if (!picture || !regions.length) return null;
  return (
    <div className={`highlights highlights-${kind}`} style={rectStyle(picture)} aria-hidden="true">
      {regions.map((region, n) => (
        <div key={n} className="highlight" style={regionStyle(region)} />
      ))}
    </div>
  );
}
