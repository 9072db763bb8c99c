import { describe, expect, it } from "vitest";
import { containedRect, regionStyle } from "./overlay";

describe("containedRect", () => {
  it("is the whole box when the box has the picture's shape", () => {
    expect(containedRect({ left: 0, top: 0, width: 800, height: 450 }, { width: 1600, height: 900 })).toEqual({
      left: 0,
      top: 0,
      width: 800,
      height: 450,
    });
  });

  it("centres a wide picture in a tall box, with bars above and below (a phone in full screen)", () => {
    const box = { left: 10, top: 20, width: 360, height: 740 };
    const rect = containedRect(box, { width: 1600, height: 900 });
    expect(rect.width).toBe(360);
    expect(rect.height).toBeCloseTo(202.5);
    expect(rect.left).toBe(10);
    expect(rect.top).toBeCloseTo(20 + (740 - 202.5) / 2);
  });

  it("centres a picture in a wide box, with bars beside it (a capped height)", () => {
    const rect = containedRect({ left: 0, top: 0, width: 1000, height: 300 }, { width: 1600, height: 900 });
    expect(rect.height).toBe(300);
    expect(rect.width).toBeCloseTo(533.33, 2);
    expect(rect.left).toBeCloseTo((1000 - 533.333) / 2, 2);
    expect(rect.top).toBe(0);
  });

  it("leaves a box with no size, or an image of unknown size, as it is", () => {
    const box = { left: 5, top: 5, width: 0, height: 0 };
    expect(containedRect(box, { width: 1600, height: 900 })).toEqual(box);
    const sized = { left: 0, top: 0, width: 400, height: 300 };
    expect(containedRect(sized, { width: 0, height: 0 })).toEqual(sized);
  });
});

describe("regionStyle", () => {
  it("places a region in percentages of the picture, so it scales with it", () => {
    expect(regionStyle({ x: 0.25, y: 0.5, w: 0.125, h: 0.0625 })).toEqual({
      left: "25.000%",
      top: "50.000%",
      width: "12.500%",
      height: "6.250%",
    });
  });
});
