import { useEffect, useId, useRef, useState } from "react";
import { api, type Deck } from "../api/client";
import { errorMessage } from "../api/errors";

type Props = { deck: Deck; onDeleted: (id: string) => void };

/** Delete, after an inline confirmation that names the deck and what goes with it. */
export function DeleteDeck({ deck, onDeleted }: Props) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const cancel = useRef<HTMLButtonElement>(null);
  const start = useRef<HTMLButtonElement>(null);
  const id = useId();
  useEffect(() => {
    if (asking) cancel.current?.focus(); // the safe choice takes focus
  }, [asking]);

  const close = () => {
    setAsking(false);
    setError(undefined);
    window.setTimeout(() => start.current?.focus());
  };
  const remove = async () => {
    setBusy(true);
    try {
      const { error, response } = await api.DELETE("/api/decks/{ref}", {
        params: { path: { ref: deck.id } },
      });
      if (!response.ok) throw error;
      onDeleted(deck.id);
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
    }
  };

  if (!asking) {
    return (
      <button ref={start} type="button" className="danger" onClick={() => setAsking(true)}>
        Delete
      </button>
    );
  }
  return (
    <div
      className="confirm"
      role="alertdialog"
      aria-labelledby={`${id}-ask`}
      onKeyDown={(event) => event.key === "Escape" && close()}
    >
      <p id={`${id}-ask`}>
        Delete “{deck.title}”? Its link stops working, and its slides, notes and analytics are removed.
      </p>
      <div className="actions">
        <button type="button" className="danger solid" disabled={busy} onClick={remove}>
          {busy ? "Deleting…" : "Delete for good"}
        </button>
        <button ref={cancel} type="button" className="secondary" disabled={busy} onClick={close}>
          Cancel
        </button>
      </div>
      {error && <p className="error">{error}</p>}
    </div>
  );
}
