import { useEffect, useId, useState } from "react";
import { copyText } from "../dashboard/clipboard";

type Props = { label: string; text: string };

const SHOWN_MS = 2500;

/** Copies `text`; where the clipboard is refused, shows the text selected so it can be copied by hand. */
export function CopyButton({ label, text }: Props) {
  const [result, setResult] = useState<"copied" | "failed" | null>(null);
  const manual = useId();
  useEffect(() => {
    if (result !== "copied") return;
    const timer = window.setTimeout(() => setResult(null), SHOWN_MS);
    return () => window.clearTimeout(timer);
  }, [result]);

  return (
    <span className="copy">
      <button
        type="button"
        className="secondary"
        onClick={async () => setResult((await copyText(text)) ? "copied" : "failed")}
      >
        {label}
      </button>
      <span className="copy-note" aria-live="polite">
        {result === "copied" && "Copied"}
      </span>
      {result === "failed" && (
        <span className="copy-manual">
          <label htmlFor={manual}>Copy this by hand:</label>
          <input
            id={manual}
            type="text"
            readOnly
            value={text}
            onFocus={(event) => event.target.select()}
            autoFocus
          />
        </span>
      )}
    </span>
  );
}
