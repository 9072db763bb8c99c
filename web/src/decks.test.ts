import { describe, expect, it } from "vitest";
import { progressText, uploadBody } from "./decks";

describe("progressText", () => {
  it("shows the stage and count", () => {
    const deck = {
      status: "processing",
      progress: { job_id: "j", stage: "render", done: 3, total: 10 },
    } as const;
    expect(progressText(deck)).toBe("Render 3/10");
    expect(progressText({ ...deck, progress: { ...deck.progress, total: 0 } })).toBe("Render");
    expect(progressText({ ...deck, status: "queued" })).toBe("Waiting to start");
  });
});

describe("uploadBody", () => {
  it("drops file inputs left empty and keeps everything else", () => {
    const fields = new FormData();
    fields.append("deck", new File(["%PDF"], "talk.pdf"));
    fields.append("notes", new File([], ""));
    fields.append("title", "My talk");
    const body = uploadBody(fields);
    expect([...body.keys()]).toEqual(["deck", "title"]);
    expect((body.get("deck") as File).name).toBe("talk.pdf");
  });
});
