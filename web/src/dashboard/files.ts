/** Sorting what a presenter drops or picks into one deck and its notes. */

export const DECK_EXTENSIONS = ["pdf", "pptx", "ppt", "odp", "key"];
export const NOTES_EXTENSIONS = ["md", "markdown", "txt", "docx", "pdf"];
export const ACCEPT = [...new Set([...DECK_EXTENSIONS, ...NOTES_EXTENSIONS])].map((e) => `.${e}`).join(",");

export type Chosen = { deck: File | null; notes: File[]; rejected: File[] };

export const NOTHING: Chosen = { deck: null, notes: [], rejected: [] };

const extension = (file: File) => file.name.split(".").pop()?.toLowerCase() ?? "";
const isDeckType = (file: File) => DECK_EXTENSIONS.includes(extension(file));
const isNotesType = (file: File) => NOTES_EXTENSIONS.includes(extension(file));

/**
 * Add files to what was chosen before. The first deck-type file becomes the deck when there is none yet;
 * PDFs after it are notes, since a talk has one deck but often a PDF handout. PowerPoint and Keynote files
 * can only be decks, so a second one replaces the first. Anything else is rejected, named, for the user.
 */
export function addFiles(chosen: Chosen, files: Iterable<File>): Chosen {
  let { deck } = chosen;
  const notes = [...chosen.notes];
  const rejected: File[] = [];
  for (const file of files) {
    if (isDeckType(file) && (deck === null || !isNotesType(file))) deck = file;
    else if (isNotesType(file)) notes.push(file);
    else rejected.push(file);
  }
  return { deck, notes, rejected };
}

/** Swap a notes file in as the deck; the old deck, if it can be notes, becomes notes. */
export function chooseAsDeck(chosen: Chosen, file: File): Chosen {
  const notes = chosen.notes.filter((note) => note !== file);
  if (chosen.deck && isNotesType(chosen.deck)) notes.unshift(chosen.deck);
  return { deck: file, notes, rejected: [] };
}

export function removeFile(chosen: Chosen, file: File): Chosen {
  return {
    deck: chosen.deck === file ? null : chosen.deck,
    notes: chosen.notes.filter((note) => note !== file),
    rejected: [],
  };
}

export const canBeDeck = isDeckType;

/**
 * The multipart body the upload and replace routes read: `deck`, then any `notes`, then text fields.
 * Blank fields are left out; the rest go as given (a password's spaces are part of it).
 */
export function multipart(chosen: Chosen, fields: Record<string, string> = {}): FormData {
  const body = new FormData();
  if (chosen.deck) body.append("deck", chosen.deck);
  for (const note of chosen.notes) body.append("notes", note);
  for (const [name, value] of Object.entries(fields)) if (value.trim()) body.append(name, value);
  return body;
}

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
