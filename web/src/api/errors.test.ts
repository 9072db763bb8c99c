import { describe, expect, it } from "vitest";
import { errorCode, errorMessage, retryAfterSeconds } from "./errors";

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

describe("retryAfterSeconds", () => {
  it("reads seconds and HTTP dates", () => {
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(retryAfterSeconds("30", now)).toBe(30);
    expect(retryAfterSeconds("Wed, 01 Jan 2025 00:00:10 GMT", now)).toBe(10);
    expect(retryAfterSeconds("soon", now)).toBeNull();
    expect(retryAfterSeconds(null, now)).toBeNull();
  });
});

describe("errorCode", () => {
  it("reads the code of an API error body, and nothing else", () => {
    expect(errorCode({ error: { code: "password_required", message: "Locked." } })).toBe("password_required");
    for (const body of [undefined, null, "password_required", { error: "x" }, { code: "x" }]) {
      expect(errorCode(body)).toBeNull();
    }
  });
});
