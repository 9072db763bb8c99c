// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// The API client keeps the fetch and Request it was created with: the stand-ins go in before any import.
await vi.hoisted(async () => (await import("../test-server")).install());

import { App } from "../App";
import { forgetSession } from "../api/session";
import { DECK, SLIDES } from "../test-fixtures";
import { json, server } from "../test-server";

function visit(path: string, deck = DECK) {
  server.on("GET", "/api/decks/pandas", json(deck));
  server.on("GET", "/api/decks/pandas/slides", json({ deck_id: deck.id, slides: SLIDES }));
  server.on("POST", "/api/decks/deck-1/views", new Response(null, { status: 204 }));
  window.history.replaceState(null, "", path);
  return render(<App />);
}

const counter = () => document.querySelector(".counter")?.textContent;

/** Wait for the deck to show, then for the effects that render started (the slide keys) to run. */
async function showing(text: string) {
  await waitFor(() => expect(counter()).toBe(text));
  await act(async () => {});
}

beforeEach(() => {
  server.reset();
  forgetSession();
  sessionStorage.clear();
});
afterEach(cleanup);

describe("the deck page", () => {
  it("offers the original for download only when the presenter allows it", async () => {
    visit("/d/pandas/1", { ...DECK, allow_download: true, download_url: "/api/decks/deck-1/original" });
    const link = await screen.findByRole("link", { name: /^Download original/ });
    expect(link.getAttribute("href")).toBe("/api/decks/deck-1/original");
    expect(link.hasAttribute("download")).toBe(true);
    cleanup();
    visit("/d/pandas/1");
    await screen.findByRole("heading", { level: 1, name: DECK.title });
    expect(screen.queryByRole("link", { name: /^Download original/ })).toBeNull();
  });

  it("counts a slide as viewed once it has been on screen for a second, not the ones flicked past", async () => {
    visit("/d/pandas/1");
    await showing("1 / 4");
    fireEvent.keyDown(document.body, { key: "ArrowRight" });
    fireEvent.keyDown(document.body, { key: "ArrowRight" });
    expect(counter()).toBe("3 / 4");
    await waitFor(() => expect(server.to("POST", "/api/decks/deck-1/views")).toHaveLength(1), {
      timeout: 2500,
    });
    expect(server.to("POST", "/api/decks/deck-1/views")[0]?.body).toEqual({ slide: 3 });
  });
});

describe("the embedded viewer (?embed=1)", () => {
  it("drops the site header and back link, keeps the chat, and stays embedded as slides change", async () => {
    visit("/d/pandas/2?embed=1");
    await showing("2 / 4");
    expect(screen.queryByRole("banner")).toBeNull();
    expect(screen.queryByRole("link", { name: "Back to the decks" })).toBeNull();
    expect(screen.getByRole("complementary", { name: "Ask the deck" })).toBeTruthy();
    expect(document.querySelector("main")?.classList.contains("embed")).toBe(true);
    expect(screen.getByRole("link", { name: "Open in a new tab" }).getAttribute("href")).toBe("/d/pandas/2");

    fireEvent.keyDown(document.body, { key: "ArrowRight" });
    expect(window.location.pathname + window.location.search).toBe("/d/pandas/3?embed=1");
    expect(screen.queryByRole("banner")).toBeNull();
    const thumb = screen.getByRole("link", { name: "Slide 4: Café data" });
    expect(thumb.getAttribute("href")).toBe("/d/pandas/4?embed=1");
  });

  it("is the full page without the flag", async () => {
    visit("/d/pandas/2");
    await showing("2 / 4");
    expect(screen.getByRole("banner").textContent).toContain("Sign in"); // an anonymous viewer
    expect(document.querySelector("main")?.classList.contains("embed")).toBe(false);
  });
});
