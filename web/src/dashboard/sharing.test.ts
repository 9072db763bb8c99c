import { describe, expect, it } from "vitest";
import {
  defaultExpiry,
  draftOf,
  fromLocalInput,
  needsPassword,
  sharingChanges,
  sharingSummary,
  toLocalInput,
  uploadFields,
  VISIBILITIES,
  type SharingDraft,
} from "./sharing";

const deck = { visibility: "unlisted", has_password: false, expires_at: null } as const;
const draft = (changes: Partial<SharingDraft> = {}): SharingDraft => ({ ...draftOf(deck), ...changes });

describe("the choices", () => {
  it("are the server's four modes, each with a one-line explanation", () => {
    expect(VISIBILITIES.map((choice) => choice.mode)).toEqual(["public", "unlisted", "private", "password"]);
    for (const choice of VISIBILITIES) expect(choice.hint).not.toContain("\n");
  });
});

describe("local date and time", () => {
  it("round-trips an ISO time through the datetime-local value, to the minute", () => {
    const local = toLocalInput("2030-01-31T17:45:30Z");
    expect(local).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
    expect(fromLocalInput(local)).toBe("2030-01-31T17:45:00.000Z");
  });

  it("reads nothing from what is not a date and time", () => {
    for (const value of ["", "2030-01-31", "tomorrow", "2030-13-45T99:99"]) {
      expect(fromLocalInput(value)).toBeNull();
    }
    expect(toLocalInput("never")).toBe("");
  });

  it("starts a new expiry a week ahead", () => {
    const now = Date.parse("2030-01-01T12:00:00Z");
    expect(fromLocalInput(defaultExpiry(now))).toBe("2030-01-08T12:00:00.000Z");
  });
});

describe("sharingChanges", () => {
  it("sends only what changed", () => {
    expect(sharingChanges(deck, draft())).toEqual({ ok: true, value: {} });
    expect(sharingChanges(deck, draft({ visibility: "private" }))).toEqual({
      ok: true,
      value: { visibility: "private" },
    });
  });

  it("asks for a password of eight characters before the password mode is sent", () => {
    expect(sharingChanges(deck, draft({ visibility: "password" }))).toEqual({
      ok: false,
      problem: "Enter a password of at least 8 characters.",
    });
    expect(sharingChanges(deck, draft({ visibility: "password", password: "seven77" })).ok).toBe(false);
    expect(sharingChanges(deck, draft({ visibility: "password", password: "eight888" }))).toEqual({
      ok: true,
      value: { visibility: "password", password: "eight888" },
    });
  });

  it("keeps a password that is set unless it is being changed", () => {
    const locked = { ...deck, visibility: "password", has_password: true } as const;
    expect(needsPassword(draftOf(locked), true)).toBe(false);
    expect(sharingChanges(locked, draftOf(locked))).toEqual({ ok: true, value: {} });
    const changing = { ...draftOf(locked), changePassword: true, password: "a new secret" };
    expect(sharingChanges(locked, changing)).toEqual({ ok: true, value: { password: "a new secret" } });
    // Leaving the password mode needs no password, and sends none.
    expect(sharingChanges(locked, { ...changing, visibility: "public" })).toEqual({
      ok: true,
      value: { visibility: "public" },
    });
  });

  it("sets, keeps and removes the expiry", () => {
    const local = toLocalInput("2030-01-31T18:00:00Z");
    expect(sharingChanges(deck, draft({ expiring: true, expires: local }))).toEqual({
      ok: true,
      value: { expires_at: "2030-01-31T18:00:00.000Z" },
    });
    const expiring = { ...deck, expires_at: "2030-01-31T18:00:20Z" };
    expect(sharingChanges(expiring, draftOf(expiring))).toEqual({ ok: true, value: {} });
    expect(sharingChanges(expiring, { ...draftOf(expiring), expiring: false })).toEqual({
      ok: true,
      value: { expires_at: null },
    });
    expect(sharingChanges(deck, draft({ expiring: true, expires: "" })).ok).toBe(false);
  });
});

describe("uploadFields", () => {
  it("sends the mode, and the password and expiry when there are any", () => {
    expect(uploadFields(draft())).toEqual({ ok: true, value: { visibility: "unlisted" } });
    const local = toLocalInput("2030-01-31T18:00:00Z");
    expect(
      uploadFields(draft({ visibility: "password", password: " long enough ", expiring: true, expires: local })),
    ).toEqual({
      ok: true,
      value: { visibility: "password", password: " long enough ", expires_at: "2030-01-31T18:00:00.000Z" },
    });
    expect(uploadFields(draft({ visibility: "password", password: "short" })).ok).toBe(false);
  });
});

describe("sharingSummary", () => {
  const now = Date.parse("2030-01-01T00:00:00Z");
  it("names the mode and the expiry, or that the link has expired", () => {
    expect(sharingSummary({ visibility: "public", expires_at: null }, now)).toBe("Public");
    expect(sharingSummary({ visibility: "password", expires_at: "2030-02-01T00:00:00Z" }, now)).toMatch(
      /^Password · expires .*2030/,
    );
    expect(sharingSummary({ visibility: "unlisted", expires_at: "2029-12-31T00:00:00Z" }, now)).toBe(
      "Unlisted · link expired",
    );
  });
});
