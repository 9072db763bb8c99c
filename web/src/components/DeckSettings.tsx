import { useId, useState, type FormEvent } from "react";
import { api, type Deck, type DeckChanges, type NotesMode } from "../api/client";
import { errorMessage } from "../api/errors";
import { DeckSharing } from "./DeckSharing";

type Props = { deck: Deck; onUpdate: (deck: Deck) => void };

const NOTES_MODES: { mode: NotesMode; label: string; hint: string }[] = [
  { mode: "hidden", label: "Hidden", hint: "the chat never uses them" },
  {
    mode: "private",
    label: "Private",
    hint: "they only help the chat find the right slides; no word of them reaches viewers",
  },
  { mode: "public", label: "Public", hint: "the chat answers from them and quotes them" },
];

/**
 * Title and description are saved together, and so are the sharing settings; the switches take effect
 * as soon as they change.
 */
export function DeckSettings({ deck, onUpdate }: Props) {
  const [title, setTitle] = useState(deck.title);
  const [description, setDescription] = useState(deck.description);
  const [busy, setBusy] = useState(false);
  // A switch shows what was asked for while the server confirms it, and springs back if refused.
  const [asked, setAsked] = useState<DeckChanges>({});
  const allowDownload = asked.allow_download ?? deck.allow_download;
  const notesMode = asked.notes_mode ?? deck.notes_mode;
  const [note, setNote] = useState<{ text: string; error: boolean } | null>(null);
  const id = useId();
  const edited = title.trim() !== deck.title || description.trim() !== deck.description.trim();

  async function save(changes: DeckChanges, done: string) {
    setBusy(true);
    setAsked(changes);
    setNote(null);
    try {
      const { data, error } = await api.PATCH("/api/decks/{ref}", {
        params: { path: { ref: deck.id } },
        body: changes,
      });
      if (!data) throw error;
      onUpdate(data);
      setNote({ text: done, error: false });
      return data;
    } catch (failure) {
      setNote({ text: errorMessage(failure), error: true });
      return null;
    } finally {
      setAsked({});
      setBusy(false);
    }
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!title.trim()) return setNote({ text: "A deck needs a title.", error: true });
    const saved = await save({ title: title.trim(), description: description.trim() }, "Saved.");
    if (saved) {
      setTitle(saved.title);
      setDescription(saved.description);
    }
  };

  return (
    <div className="deck-settings">
      <form onSubmit={submit} className="stack">
        <label htmlFor={`${id}-title`}>Title</label>
        <input
          id={`${id}-title`}
          type="text"
          maxLength={200}
          value={title}
          onChange={(event) => setTitle(event.target.value)}
        />
        <label htmlFor={`${id}-description`}>Description</label>
        <textarea
          id={`${id}-description`}
          rows={3}
          maxLength={2000}
          value={description}
          onChange={(event) => setDescription(event.target.value)}
        />
        <button type="submit" disabled={busy || !edited}>
          Save title and description
        </button>
      </form>
      <DeckSharing deck={deck} onUpdate={onUpdate} />
      <label className="check">
        <input
          type="checkbox"
          checked={allowDownload}
          disabled={busy}
          onChange={(event) =>
            void save(
              { allow_download: event.target.checked },
              event.target.checked ? "Viewers can download the original." : "Downloads are off.",
            )
          }
        />
        Allow download of the original
      </label>
      <fieldset className="notes-mode">
        <legend>Notes</legend>
        {NOTES_MODES.map(({ mode, label, hint }) => (
          <label key={mode} className="check">
            <input
              type="radio"
              name={`${id}-notes`}
              value={mode}
              checked={notesMode === mode}
              disabled={busy}
              onChange={() => void save({ notes_mode: mode }, `Notes are ${label.toLowerCase()}.`)}
            />
            <span>
              {label} <span className="muted">— {hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <p className={note?.error ? "error" : "muted"} aria-live="polite">
        {note?.text}
      </p>
    </div>
  );
}
