import { useState, type FormEvent } from "react";
import { isPending, uploadDeck, type Deck } from "../api/client";
import { errorMessage } from "../api/errors";
import { progressText, uploadBody } from "../decks";
import { deckPath, Link } from "../router";

const DECK_TYPES = ".pdf,.pptx,.ppt,.odp,.key";
const NOTES_TYPES = ".md,.markdown,.txt,.docx,.pdf";

type Props = { decks: Deck[] | undefined; onUploaded: () => void };

export function UploadForm({ decks, onUploaded }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [uploadedId, setUploadedId] = useState<string>();
  const uploaded = decks?.find((deck) => deck.id === uploadedId);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    setBusy(true);
    setError(undefined);
    try {
      const { data, error } = await uploadDeck(uploadBody(new FormData(form)));
      if (!data) throw error ?? new Error("The upload was not accepted.");
      setUploadedId(data.id);
      form.reset();
      onUploaded();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="upload" aria-labelledby="upload-heading">
      <h2 id="upload-heading">Upload a deck</h2>
      <form onSubmit={submit}>
        <label>
          <span>
            Deck <span className="muted">(PDF, PowerPoint, Keynote or ODP)</span>
          </span>
          <input type="file" name="deck" accept={DECK_TYPES} required />
        </label>
        <label>
          <span>
            Notes <span className="muted">(optional: Markdown, text, Word or PDF)</span>
          </span>
          <input type="file" name="notes" accept={NOTES_TYPES} multiple />
        </label>
        <label>
          <span>
            Title <span className="muted">(optional)</span>
          </span>
          <input type="text" name="title" maxLength={200} />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? "Uploading…" : "Upload"}
        </button>
      </form>
      <div role="status" aria-live="polite">
        {uploaded && <UploadStatus deck={uploaded} />}
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
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
