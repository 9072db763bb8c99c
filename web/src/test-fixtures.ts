/** A small deck for component and unit tests, shaped like the API's answers. */
import type { Deck, Slide } from "./api/client";
import type { Session } from "./api/session";

export const DECK: Deck = {
  id: "deck-1",
  slug: "pandas",
  title: "Pandas basics",
  description: "",
  visibility: "public",
  has_password: false,
  expires_at: null,
  status: "ready",
  slide_count: 4,
  source_filename: "pandas.pptx",
  source_format: "pptx",
  url: "/d/pandas",
  thumbnail: "/media/t1.webp",
  progress: { job_id: null, stage: "done", done: 4, total: 4 },
  error: null,
  created_at: "2025-01-01T00:00:00Z",
  notes_mode: "public",
  suggested_questions: ["What does the deck say about “Selecting columns”?"],
  allow_download: false,
  download_url: null,
  version: 1,
  replacing: null,
  replace_error: null,
  updated_at: "2025-01-01T00:00:00Z",
};

const slide = (number: number, title: string, text: string, notes = ""): Slide => ({
  number,
  title,
  text: `${title}\n${text}`,
  notes,
  ocr: false,
  image: `/media/i${number}.webp`,
  thumbnail: `/media/t${number}.webp`,
  width: 1600,
  height: 900,
});

export const SLIDES: Slide[] = [
  slide(1, "Pandas basics", "An introduction"),
  slide(2, "Series", "A one-dimensional labelled array", "Mention the index."),
  slide(3, "Selecting columns", "df['name'] returns a Series"),
  slide(4, "Café data", "Reading CSV files with read_csv"),
];

export const PRESENTER: Session = {
  user: { id: "u1", email: "ada@example.org", handle: "ada" },
  csrf_token: "csrf-1",
};
