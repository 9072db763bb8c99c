import { useId, useRef, useState, type DragEvent } from "react";
import {
  ACCEPT,
  addFiles,
  canBeDeck,
  chooseAsDeck,
  fileSize,
  removeFile,
  type Chosen,
} from "../dashboard/files";

type Props = { chosen: Chosen; onChange: (chosen: Chosen) => void; label: string };

/**
 * One place for the deck and its notes: drop files on it, or reach it with Tab and press Enter or Space
 * to pick them. The real file input sits inside, so keyboard, screen readers and tests use it as usual.
 */
export function DropZone({ chosen, onChange, label }: Props) {
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const id = useId();
  const add = (files: FileList | null) => {
    if (files && files.length > 0) onChange(addFiles(chosen, Array.from(files)));
    if (input.current) input.current.value = ""; // so picking the same file again still counts
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    add(event.dataTransfer?.files ?? null);
  };
  const onDragOver = (event: DragEvent) => {
    event.preventDefault(); // without this the browser opens the file instead of dropping it here
    if (event.dataTransfer) event.dataTransfer.dropEffect = "copy";
    setOver(true);
  };
  const files = [...(chosen.deck ? [chosen.deck] : []), ...chosen.notes];

  return (
    <div className="dropzone-wrap">
      <div
        className={`dropzone${over ? " over" : ""}`}
        data-testid="dropzone"
        onDragEnter={onDragOver}
        onDragOver={onDragOver}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <input
          ref={input}
          id={id}
          className="visually-hidden"
          type="file"
          multiple
          accept={ACCEPT}
          aria-labelledby={`${id}-label`}
          aria-describedby={`${id}-hint`}
          onChange={(event) => add(event.target.files)}
        />
        <label htmlFor={id}>
          <strong id={`${id}-label`}>{label}</strong>
          <span id={`${id}-hint`} className="muted">
            Drop a deck (PDF, PowerPoint, Keynote or ODP) and any notes (Markdown, text, Word or PDF) here, or
            choose files.
          </span>
        </label>
      </div>
      {files.length > 0 && (
        <ul className="chosen" aria-label="Chosen files">
          {files.map((file) => {
            const isDeck = file === chosen.deck;
            return (
              <li key={`${file.name}-${file.size}-${file.lastModified}`}>
                <span className={`file-role${isDeck ? " is-deck" : ""}`}>{isDeck ? "Deck" : "Notes"}</span>
                <span className="file-name">{file.name}</span>
                <span className="muted">{fileSize(file.size)}</span>
                {!isDeck && canBeDeck(file) && (
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => onChange(chooseAsDeck(chosen, file))}
                  >
                    Use as deck
                  </button>
                )}
                <button
                  type="button"
                  className="link-button"
                  aria-label={`Remove ${file.name}`}
                  onClick={() => onChange(removeFile(chosen, file))}
                >
                  Remove
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {chosen.rejected.length > 0 && (
        <p className="error" role="alert">
          Not a deck or notes file: {chosen.rejected.map((file) => file.name).join(", ")}.
        </p>
      )}
    </div>
  );
}
