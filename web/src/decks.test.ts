import { describe, expect, it } from "vitest";
import { progressText } from "./decks";

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
