import { describe, expect, it } from "vitest";
import { addFiles, chooseAsDeck, fileSize, multipart, NOTHING, removeFile } from "./files";

const file = (name: string) => new File(["x"], name);
const names = (files: File[]) => files.map((f) => f.name);

describe("addFiles", () => {
  it("takes the first deck-type file as the deck and the rest as notes, whatever the order", () => {
    const chosen = addFiles(NOTHING, [
      file("notes.md"),
      file("talk.PPTX"),
      file("handout.pdf"),
      file("a.docx"),
    ]);
    expect(chosen.deck?.name).toBe("talk.PPTX");
    expect(names(chosen.notes)).toEqual(["notes.md", "handout.pdf", "a.docx"]);
    expect(chosen.rejected).toEqual([]);
  });

  it("lets a later PowerPoint or Keynote replace the deck, but keeps a later PDF as notes", () => {
    let chosen = addFiles(NOTHING, [file("old.pdf")]);
    chosen = addFiles(chosen, [file("more.pdf")]);
    expect(chosen.deck?.name).toBe("old.pdf");
    chosen = addFiles(chosen, [file("new.key")]);
    expect(chosen.deck?.name).toBe("new.key");
    expect(names(chosen.notes)).toEqual(["more.pdf"]);
  });

  it("rejects files that are neither, and keeps what was chosen", () => {
    const chosen = addFiles(addFiles(NOTHING, [file("talk.odp")]), [file("photo.png"), file("noext")]);
    expect(chosen.deck?.name).toBe("talk.odp");
    expect(names(chosen.rejected)).toEqual(["photo.png", "noext"]);
  });
});

describe("chooseAsDeck and removeFile", () => {
  it("swaps a PDF in as the deck and moves the old PDF deck to the notes", () => {
    const slides = file("slides.pdf");
    const handout = file("handout.pdf");
    const chosen = chooseAsDeck(addFiles(NOTHING, [slides, handout, file("n.md")]), handout);
    expect(chosen.deck).toBe(handout);
    expect(names(chosen.notes)).toEqual(["slides.pdf", "n.md"]);
    expect(removeFile(chosen, handout).deck).toBeNull();
    expect(names(removeFile(chosen, slides).notes)).toEqual(["n.md"]);
  });

  it("drops a PowerPoint deck when a PDF takes its place, since it cannot be notes", () => {
    const pdf = file("handout.pdf");
    const chosen = chooseAsDeck(addFiles(NOTHING, [file("talk.pptx"), pdf]), pdf);
    expect(chosen.deck).toBe(pdf);
    expect(chosen.notes).toEqual([]);
  });
});

describe("multipart", () => {
  it("puts the deck, every notes file and the non-empty fields into one body", () => {
    const chosen = addFiles(NOTHING, [file("talk.pptx"), file("a.md"), file("b.txt")]);
    const body = multipart(chosen, { title: "My talk", description: "  ", password: " spaced out " });
    expect([...body.keys()]).toEqual(["deck", "notes", "notes", "title", "password"]);
    expect((body.get("deck") as File).name).toBe("talk.pptx");
    expect(names(body.getAll("notes") as File[])).toEqual(["a.md", "b.txt"]);
    expect(body.get("title")).toBe("My talk");
    expect(body.get("password")).toBe(" spaced out "); // as typed: spaces are part of a password
  });
});

describe("fileSize", () => {
  it("reads in B, KB and MB", () => {
    expect([fileSize(900), fileSize(20_480), fileSize(3_500_000)]).toEqual(["900 B", "20 KB", "3.3 MB"]);
  });
});
