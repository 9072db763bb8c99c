import { describe, expect, it } from "vitest";
import { errorMessage } from "./errors";

describe("errorMessage", () => {
  it("reads the API's error body", () => {
    const body = { error: { code: "unsupported_format", message: "notes.xlsx is not a deck format." } };
    expect(errorMessage(body)).toBe("notes.xlsx is not a deck format.");
  });

  it("explains a request that never reached the server", () => {
    expect(errorMessage(new TypeError("Failed to fetch"))).toBe(
      "Could not reach the server. Check your connection.",
    );
  });

  it("uses other errors' messages and plain strings", () => {
    expect(errorMessage(new Error("The upload was not accepted."))).toBe("The upload was not accepted.");
    expect(errorMessage("  Bad gateway ")).toBe("Bad gateway");
  });

  it("falls back when the body says nothing useful", () => {
    for (const body of [
      undefined,
      null,
      42,
      {},
      { error: {} },
      { error: { message: "  " } },
      { detail: [] },
    ]) {
      expect(errorMessage(body, "fallback")).toBe("fallback");
    }
  });
});
