import { useState, type FormEvent } from "react";
import { isPending, uploadDeck, type Deck } from "../api/client";
import { errorMessage } from "../api/errors";
import { multipart, NOTHING, type Chosen } from "../dashboard/files";
import { draftOf, uploadFields, type SharingDraft } from "../dashboard/sharing";
import { progressText } from "../decks";
import { deckPath, Link } from "../router";
import { DropZone } from "./DropZone";
import { SharingFields } from "./SharingFields";

type Props = { decks: Deck[] | undefined; onUploaded: () => void };

export function UploadForm({ decks, onUploaded }: Props) {
  const [chosen, setChosen] = useState<Chosen>(NOTHING);
  const [title, setTitle] = useState("");
  const [sharing, setSharing] = useState<SharingDraft>(() => draftOf());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [uploadedId, setUploadedId] = useState<string>();
  const uploaded = decks?.find((deck) => deck.id === uploadedId);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!chosen.deck) return setError("Choose a deck file first: drop it above or pick it.");
    const fields = uploadFields(sharing);
    if (!fields.ok) return setError(fields.problem);
    setBusy(true);
    setError(undefined);
    try {
      // A full quota is refused with 403 `quota_exceeded`; its message says what to delete.
      const { data, error } = await uploadDeck(multipart(chosen, { title: title.trim(), ...fields.value }));
      if (!data) throw error ?? new Error("The upload was not accepted.");
      setUploadedId(data.id);
      setChosen(NOTHING);
      setTitle("");
      setSharing(draftOf());
      onUploaded();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="upload panel" aria-labelledby="upload-heading">
      <h2 id="upload-heading">Upload a deck</h2>
      <form onSubmit={submit}>
        <DropZone chosen={chosen} onChange={setChosen} label="Deck and notes files" />
        <label>
          <span>
            Title <span className="muted">(optional)</span>
          </span>
          <input
            type="text"
            name="title"
            maxLength={200}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
          />
        </label>
        <SharingFields draft={sharing} onChange={setSharing} hasPassword={false} disabled={busy} />
        <button type="submit" disabled={busy}>
          {busy ? "Uploading…" : "Upload"}
        </button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div role="status" aria-live="polite">
        {uploaded && <UploadStatus deck={uploaded} />}
      </div>
    </section>
  );
}

function UploadStatus({ deck }: { deck: Deck }) {
  if (isPending(deck))
    return (
      <p>
        Processing “{deck.title}”: {progressText(deck)}
      </p>
    );
  if (deck.status === "failed") {
    return (
      <p className="error">
        “{deck.title}” failed: {deck.error?.message ?? "unknown error"}
      </p>
    );
  }
  return (
    <p>
      “{deck.title}” is ready: <Link to={deckPath(deck.slug)}>open it</Link>.
    </p>
  );
}
