import { useState, type FormEvent } from "react";
import { api, type Deck } from "../api/client";
import { errorMessage } from "../api/errors";
import { draftOf, sharingChanges, type SharingDraft } from "../dashboard/sharing";
import { SharingFields } from "./SharingFields";

type Props = { deck: Deck; onUpdate: (deck: Deck) => void };

/** The deck's visibility, password and expiry, saved together (a password mode needs its password). */
export function DeckSharing({ deck, onUpdate }: Props) {
  const [draft, setDraft] = useState<SharingDraft>(() => draftOf(deck));
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ text: string; error: boolean } | null>(null);

  const edit = (next: SharingDraft) => {
    setDraft(next);
    setNote(null); // "Saved." no longer describes what the form shows
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    const checked = sharingChanges(deck, draft);
    if (!checked.ok) return setNote({ text: checked.problem, error: true });
    if (Object.keys(checked.value).length === 0) return setNote({ text: "Nothing to change.", error: false });
    setBusy(true);
    setNote(null);
    try {
      const { data, error } = await api.PATCH("/api/decks/{ref}", {
        params: { path: { ref: deck.id } },
        body: checked.value,
      });
      if (!data) throw error;
      onUpdate(data);
      setDraft(draftOf(data));
      setNote({ text: "Sharing saved.", error: false });
    } catch (failure) {
      setNote({ text: errorMessage(failure), error: true });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="deck-sharing stack" onSubmit={submit} aria-label="Sharing">
      <SharingFields draft={draft} onChange={edit} hasPassword={deck.has_password} disabled={busy} />
      <button type="submit" disabled={busy}>
        {busy ? "Saving…" : "Save sharing"}
      </button>
      <p className={note?.error ? "error" : "muted"} aria-live="polite">
        {note?.text}
      </p>
    </form>
  );
}
