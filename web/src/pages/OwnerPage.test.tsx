// @vitest-environment jsdom
import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// The API client keeps the fetch and Request it was created with: the stand-ins go in before any import.
await vi.hoisted(async () => (await import("../test-server")).install());

import { App } from "../App";
import { forgetSession } from "../api/session";
import { DECK } from "../test-fixtures";
import { json, problem, server } from "../test-server";

function visit(path: string) {
  server.on("GET", "/api/session", json({ user: null, csrf_token: null }));
  window.history.replaceState(null, "", path);
  return render(<App />);
}

beforeEach(() => {
  server.reset();
  forgetSession();
});
afterEach(cleanup);

describe("a presenter's page", () => {
  it("lists their public decks as cards that open the deck", async () => {
    const markup = { ...DECK, id: "deck-2", slug: "x", title: "<img src=x onerror=alert(1)>", slide_count: 1 };
    server.on("GET", "/api/users/ada/decks", json({ decks: [DECK, markup] }));
    visit("/u/ada");
    const list = await screen.findByRole("list", { name: "Public decks" });
    const cards = within(list).getAllByRole("link");
    expect(cards.map((card) => card.getAttribute("href"))).toEqual(["/d/pandas", "/d/x"]);
    expect(cards[0]!.textContent).toBe("Pandas basics4 slides");
    expect(cards[0]!.querySelector("img")?.getAttribute("src")).toBe(DECK.thumbnail);
    expect(cards[1]!.textContent).toBe("<img src=x onerror=alert(1)>1 slide"); // text, never markup
    expect(list.querySelectorAll("img")).toHaveLength(2);
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Decks by ada");
  });

  it("says when there is nothing public yet", async () => {
    server.on("GET", "/api/users/ada/decks", json({ decks: [] }));
    visit("/u/ada");
    await screen.findByText("No public decks yet.");
  });

  it("says when there is no such presenter", async () => {
    server.on("GET", "/api/users/nobody/decks", problem(404, "user_not_found", "No presenter 'nobody'."));
    visit("/u/nobody");
    await screen.findByRole("heading", { level: 1, name: "No such presenter" });
    expect(document.title).toBe("No such presenter · deckchat");
  });
});
