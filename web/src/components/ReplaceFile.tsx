import { useState, type FormEvent } from "react";
import { replaceFile, type Deck } from "../api/client";
import { errorMessage } from "../api/errors";
import { multipart, NOTHING, type Chosen } from "../dashboard/files";
import { DropZone } from "./DropZone";

type Props = { deck: Deck; onStarted: () => void };

/** Upload a new version under the same link; viewers keep the current one until it is ready. */
export function ReplaceFile({ deck, onStarted }: Props) {
  const [chosen, setChosen] = useState<Chosen>(NOTHING);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!chosen.deck) return setError("Choose the new deck file first.");
    setBusy(true);
    setError(undefined);
    try {
      const { data, error } = await replaceFile(deck.id, multipart(chosen));
      if (!data) throw error ?? new Error("The new version was not accepted.");
      setChosen(NOTHING);
      onStarted();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="replace stack" onSubmit={submit}>
      <p className="muted">
        The link stays the same. Viewers see version {deck.version} until the new one is ready.
      </p>
      <DropZone chosen={chosen} onChange={setChosen} label="New version: deck and notes files" />
      <button type="submit" disabled={busy || deck.replacing !== null}>
        {busy ? "Uploading…" : "Upload new version"}
      </button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}
