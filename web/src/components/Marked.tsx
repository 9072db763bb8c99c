import { quoteSpans } from "../viewer/regions";

/** `text` with the first place that shows `quote` (whitespace runs equal) in a <mark>. */
export function Marked({ text, quote }: { text: string; quote: string | null }) {
  const [span] = quote ? quoteSpans(quote, text) : [];
  if (!span) return <>{text}</>;
  const [start, end] = span;
  return (
    <>
      {text.slice(0, start)}
      <mark className="quoted">{text.slice(start, end)}</mark>
      {text.slice(end)}
    </>
  );
}
