import { describe, expect, it } from "vitest";
import type { Stage } from "../api/client";
import { stageStates } from "./stages";

const states = (stage: Stage, done = 0, total = 0) =>
  stageStates({ stage, done, total }).map(({ stage, state, fraction }) => `${stage}:${state}:${fraction}`);

describe("stageStates", () => {
  it("fills the stages before the current one, counts the current one and waits on the rest", () => {
    expect(states("render", 3, 12)).toEqual([
      "validate:done:1",
      "convert:done:1",
      "render:active:0.25",
      "ocr:waiting:0",
      "notes:waiting:0",
      "index:waiting:0",
      "store:waiting:0",
    ]);
  });

  it("has no fraction for a stage without a count yet, and says so", () => {
    const [first] = stageStates({ stage: "validate", done: 0, total: 0 });
    expect(first).toMatchObject({ state: "active", fraction: null, count: "working" });
    expect(stageStates({ stage: "render", done: 3, total: 12 })[2]?.count).toBe("3 of 12");
  });

  it("waits on everything while queued and fills everything once done", () => {
    expect(states("queued").every((s) => s.includes(":waiting:"))).toBe(true);
    expect(states("done").every((s) => s.endsWith(":done:1"))).toBe(true);
  });
});
