// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// The API client keeps the fetch and Request it was created with: the stand-ins go in before any import.
await vi.hoisted(async () => (await import("../test-server")).install());

import { App } from "../App";
import { forgetSession } from "../api/session";
import { DECK, SLIDES } from "../test-fixtures";
import { json, problem, server } from "../test-server";

const LOCKED = () => problem(401, "password_required", "This deck is protected by a password.");
const EXPIRED = () => problem(410, "deck_expired", "This deck's link has expired.");
const counter = () => document.querySelector(".counter")?.textContent;

/** The deck's routes answer as `state` says: locked until the right password is entered. */
function protectedDeck(password = "open sesame") {
  const state = { unlocked: false };
  const gated = (answer: () => Response) => () => (state.unlocked ? answer() : LOCKED());
  server.on("GET", "/api/decks/pandas", gated(() => json({ ...DECK, visibility: "password", has_password: true })));
  server.on("GET", "/api/decks/pandas/slides", gated(() => json({ deck_id: DECK.id, slides: SLIDES })));
  server.on("POST", "/api/decks/pandas/unlock", ({ body }) => {
    if ((body as { password: string }).password !== password) {
      return problem(401, "wrong_password", "That is not the deck's password.");
    }
    state.unlocked = true;
    return new Response(null, { status: 204 });
  });
  return state;
}

function visit(path: string) {
  server.on("GET", "/api/session", json({ user: null, csrf_token: null }));
  server.on("POST", "/api/decks/deck-1/views", new Response(null, { status: 204 }));
  window.history.replaceState(null, "", path);
  return render(<App />);
}

const gate = () => screen.findByRole("form", { name: "This deck is protected by a password" });

async function enter(password: string) {
  fireEvent.change(await screen.findByLabelText("Password"), { target: { value: password } });
  fireEvent.click(screen.getByRole("button", { name: "Open the deck" }));
}

beforeEach(() => {
  server.reset();
  forgetSession();
  sessionStorage.clear();
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe("a password-protected deck", () => {
  it("asks for the password, says when it is wrong, and shows the deck once it is right", async () => {
    protectedDeck();
    visit("/d/pandas/2");
    await gate();
    expect(document.title).toBe("Password needed · deckchat");
    expect(document.activeElement).toBe(screen.getByLabelText("Password"));
    await enter("guess");
    expect((await screen.findByRole("alert")).textContent).toBe("That is not the deck's password.");
    expect(counter()).toBeUndefined();

    await enter("open sesame");
    await waitFor(() => expect(counter()).toBe("2 / 4"));
    expect(screen.queryByRole("form", { name: /protected by a password/ })).toBeNull();
    expect(server.to("POST", "/api/decks/pandas/unlock").map((sent) => sent.body)).toEqual([
      { password: "guess" },
      { password: "open sesame" },
    ]);
  });

  it("shows how long to wait after too many tries", async () => {
    protectedDeck();
    visit("/d/pandas");
    await gate();
    const limited = problem(429, "rate_limited", "Too many attempts; try again in a minute.");
    limited.headers.set("Retry-After", "30");
    server.on("POST", "/api/decks/pandas/unlock", limited);
    await enter("guess");
    expect((await screen.findByRole("alert")).textContent).toMatch(/^Too many attempts\. Try again in (30|29) s\.$/);
    expect((screen.getByRole("button", { name: "Open the deck" }) as HTMLButtonElement).disabled).toBe(true);
  });

  it("says so when the unlock went through but the browser kept no cookie (a blocked frame)", async () => {
    protectedDeck();
    server.on("POST", "/api/decks/pandas/unlock", new Response(null, { status: 204 }));
    visit("/d/pandas?embed=1");
    await gate();
    expect(screen.queryByRole("banner")).toBeNull();
    await enter("open sesame");
    await waitFor(() => expect(screen.getByRole("alert").textContent).toMatch(/did not keep it/));
    expect(screen.getByRole("link", { name: "Open the deck in a new tab" }).getAttribute("href")).toBe("/d/pandas");
  });

  it("locks again when a later call says the password changed", async () => {
    const state = protectedDeck();
    state.unlocked = true;
    visit("/d/pandas/1");
    await waitFor(() => expect(counter()).toBe("1 / 4"));
    await act(async () => {});
    server.on("POST", "/api/decks/deck-1/chat", LOCKED());
    fireEvent.change(screen.getByLabelText("Your question"), { target: { value: "What is a Series?" } });
    fireEvent.click(screen.getByRole("button", { name: "Ask" }));
    await gate();
    expect(counter()).toBeUndefined();
  });
});

describe("a deck that is not there for this viewer", () => {
  it("says the link has expired", async () => {
    server.on("GET", "/api/decks/pandas", EXPIRED());
    visit("/d/pandas");
    await screen.findByRole("heading", { level: 1, name: "This link has expired" });
    expect(document.title).toBe("This link has expired · deckchat");
  });

  it("says the same in the embed, without the site around it", async () => {
    server.on("GET", "/api/decks/pandas", EXPIRED());
    visit("/d/pandas/3?embed=1");
    await screen.findByRole("heading", { level: 1, name: "This link has expired" });
    expect(screen.queryByRole("banner")).toBeNull();
    expect(screen.queryByRole("link", { name: /sign in|back/i })).toBeNull();
  });

  it("turns expired when the slides say so", async () => {
    server.on("GET", "/api/decks/pandas", json(DECK));
    server.on("GET", "/api/decks/pandas/slides", EXPIRED());
    visit("/d/pandas");
    await screen.findByRole("heading", { level: 1, name: "This link has expired" });
  });

  it("treats a private deck as a missing one, and offers to sign in", async () => {
    server.on("GET", "/api/decks/pandas", problem(404, "deck_not_found", "No deck with id or slug 'pandas'."));
    visit("/d/pandas");
    await screen.findByRole("heading", { level: 1, name: "No such deck (or it is private)" });
    const main = screen.getByRole("main");
    await waitFor(() => expect(main.querySelector('a[href="/signin"]')).not.toBeNull());
  });
});
