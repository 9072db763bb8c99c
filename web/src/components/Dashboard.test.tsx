// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// The API client keeps the fetch and Request it was created with: the stand-ins go in before any import.
await vi.hoisted(async () => (await import("../test-server")).install());

import { App } from "../App";
import type { Analytics, Deck } from "../api/client";
import { forgetSession } from "../api/session";
import { DECK, PRESENTER } from "../test-fixtures";
import { FakeEventSource, json, problem, server } from "../test-server";

const PROCESSING: Deck = {
  ...DECK,
  id: "deck-2",
  slug: "new-talk",
  title: "New talk",
  status: "processing",
  slide_count: 0,
  thumbnail: null,
  url: "/d/new-talk",
  progress: { job_id: "j2", stage: "render", done: 3, total: 10 },
};

const file = (name: string, type = "") => new File(["x"], name, { type });

/** The dashboard, signed in as the presenter, once it is on screen (the session is asked first). */
async function dashboard(decks: Deck[] = [DECK]) {
  server.on("GET", "/api/session", json(PRESENTER));
  server.on("GET", "/api/decks", json({ decks }));
  window.history.replaceState(null, "", "/");
  const rendered = render(<App />);
  await screen.findByRole("heading", { level: 1, name: "Your decks" });
  return rendered;
}

const card = async (title: string) =>
  within(
    (await screen.findAllByRole("listitem")).find(
      (item) => item.getAttribute("aria-labelledby") && item.querySelector("h3")?.textContent === title,
    )!,
  );
/** Open a disclosure; its content mounts on the `toggle` event, which jsdom sends a moment later. */
async function open(scope: ReturnType<typeof within>, summary: string) {
  const details = scope.getByText(summary, { selector: "summary" }).parentElement!;
  fireEvent.click(details.firstElementChild!);
  await waitFor(() => expect(details.children.length).toBeGreaterThan(1));
}
const bars = () =>
  Object.fromEntries(
    [...document.querySelectorAll<HTMLProgressElement>(".stage-row")].map((row) => [
      row.dataset.stage,
      row.querySelector("progress")!.hasAttribute("value") ? row.querySelector("progress")!.value : null,
    ]),
  );

beforeEach(() => {
  server.reset();
  forgetSession();
  FakeEventSource.opened = [];
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("header", () => {
  it("shows who is signed in, their page, and signs out with the CSRF token", async () => {
    await dashboard();
    const banner = screen.getByRole("banner");
    await within(banner).findByText("ada@example.org");
    expect(within(banner).getByRole("link", { name: "Your page" }).getAttribute("href")).toBe("/u/ada");
    await screen.findByRole("link", { name: DECK.title });
    server.on("DELETE", "/api/session", new Response(null, { status: 204 }));
    fireEvent.click(within(banner).getByRole("button", { name: "Sign out" }));
    await screen.findByRole("heading", { level: 1, name: "Sign in" });
    expect(window.location.pathname).toBe("/signin");
    expect(server.to("DELETE", "/api/session")[0]?.headers.get("X-CSRF-Token")).toBe("csrf-1");
    expect(within(banner).queryByText("ada@example.org")).toBeNull();
  });

  it("sends an anonymous visitor to sign in, without asking for the decks", async () => {
    server.on("GET", "/api/session", json({ user: null, csrf_token: null }));
    window.history.replaceState(null, "", "/");
    render(<App />);
    await screen.findByRole("heading", { level: 1, name: "Sign in" });
    expect(window.location.pathname).toBe("/signin");
    expect(server.to("GET", "/api/decks")).toHaveLength(0);
  });

  it("signs out here when the server says the session is over", async () => {
    let asked = 0;
    server.on("GET", "/api/session", () => json(asked++ ? { user: null, csrf_token: null } : PRESENTER));
    server.on("GET", "/api/decks", problem(401, "sign_in_required", "Sign in first."));
    window.history.replaceState(null, "", "/");
    render(<App />);
    await screen.findByRole("heading", { level: 1, name: "Sign in" });
    expect(asked).toBe(2);
  });
});

describe("upload", () => {
  it("sends a dropped deck and its notes as one multipart request, then follows the stages", async () => {
    await dashboard([]);
    await screen.findByText(/No decks yet/);
    const zone = screen.getByTestId("dropzone");
    fireEvent.dragOver(zone, { dataTransfer: { dropEffect: "none" } });
    expect(zone.classList.contains("over")).toBe(true);
    const deck = file("talk.pptx");
    fireEvent.drop(zone, { dataTransfer: { files: [file("notes.md"), deck, file("handout.pdf")] } });
    const chosen = within(screen.getByRole("list", { name: "Chosen files" }));
    expect(chosen.getAllByRole("listitem").map((item) => item.textContent?.split(" ")[0])).toEqual([
      "Decktalk.pptx1",
      "Notesnotes.md1",
      "Noteshandout.pdf1",
    ]);

    server.on(
      "POST",
      "/api/decks",
      json({ id: "deck-2", slug: "new-talk", job_id: "j2", status: "queued", url: "/d/new-talk" }, 202),
    );
    server.on("GET", "/api/decks", json({ decks: [PROCESSING] }));
    fireEvent.change(screen.getByLabelText(/^Title/), { target: { value: "New talk" } });
    fireEvent.click(screen.getByRole("button", { name: "Upload" }));

    await screen.findByText("Processing “New talk”: Render 3/10");
    const [sent] = server.to("POST", "/api/decks");
    const body = sent!.body as FormData;
    expect((body.get("deck") as File).name).toBe("talk.pptx");
    expect(body.getAll("notes").map((note) => (note as File).name)).toEqual(["notes.md", "handout.pdf"]);
    expect(body.get("title")).toBe("New talk");
    expect(body.get("visibility")).toBe("unlisted"); // the server's default, said out loud
    expect(sent!.headers.get("X-CSRF-Token")).toBe("csrf-1");
    expect(screen.queryByRole("list", { name: "Chosen files" })).toBeNull();

    expect(bars()).toMatchObject({ validate: 1, convert: 1, render: 0.3, ocr: 0, store: 0 });
    const events = await waitFor(() => {
      const source = FakeEventSource.opened.find((source) => source.url === "/api/decks/deck-2/progress");
      expect(source).toBeDefined(); // opened by an effect, which may run a moment after the render
      return source!;
    });
    act(() =>
      events.emit("progress", {
        ...PROCESSING,
        progress: { ...PROCESSING.progress, stage: "index", done: 0, total: 0 },
      }),
    );
    expect(bars()).toMatchObject({ render: 1, notes: 1, index: null, store: 0 });
    expect(
      screen.getByRole("progressbar", { name: "Make it searchable" }).getAttribute("aria-valuetext"),
    ).toBe("working");
    act(() =>
      events.emit("ready", {
        ...PROCESSING,
        status: "ready",
        slide_count: 10,
        progress: { ...PROCESSING.progress, stage: "done" },
      }),
    );
    expect(screen.getByRole("status").textContent).toContain("“New talk” is ready");
    expect(document.querySelector(".stages")).toBeNull();
    expect(events.closed).toBe(true);
  });

  it("takes files from the keyboard-reachable picker and shows the server's reason for a refusal", async () => {
    await dashboard([]);
    const picker = screen.getByLabelText("Deck and notes files");
    expect(picker.getAttribute("type")).toBe("file");
    expect(picker.tabIndex).toBe(0);
    fireEvent.click(screen.getByRole("button", { name: "Upload" }));
    expect(screen.getByRole("alert").textContent).toMatch(/Choose a deck file first/);
    expect(server.to("POST", "/api/decks")).toHaveLength(0);

    fireEvent.change(picker, { target: { files: [file("locked.pdf")] } });
    server.on("POST", "/api/decks", problem(400, "encrypted_pdf", "this PDF is password-protected"));
    fireEvent.click(screen.getByRole("button", { name: "Upload" }));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toBe("this PDF is password-protected"));
  });

  it("lets a PDF dropped as notes become the deck instead, and names files it cannot use", async () => {
    await dashboard([]);
    const zone = screen.getByTestId("dropzone");
    fireEvent.drop(zone, {
      dataTransfer: { files: [file("slides.pdf"), file("handout.pdf"), file("photo.png")] },
    });
    expect(screen.getByRole("alert").textContent).toContain("photo.png");
    fireEvent.click(screen.getByRole("button", { name: "Use as deck" }));
    const roles = within(screen.getByRole("list", { name: "Chosen files" }))
      .getAllByRole("listitem")
      .map((item) => [
        item.querySelector(".file-role")?.textContent,
        item.querySelector(".file-name")?.textContent,
      ]);
    expect(roles).toEqual([
      ["Deck", "handout.pdf"],
      ["Notes", "slides.pdf"],
    ]);
  });
});

describe("sharing", () => {
  it("copies the deck's link and an embed snippet of the viewer with chat", async () => {
    const writeText = vi.fn(() => Promise.resolve());
    vi.stubGlobal("navigator", { ...navigator, clipboard: { writeText } });
    await dashboard();
    const deck = await card(DECK.title);
    fireEvent.click(deck.getByRole("button", { name: "Copy link" }));
    await deck.findByText("Copied");
    expect(writeText).toHaveBeenLastCalledWith("http://localhost:3000/d/pandas");
    fireEvent.click(deck.getByRole("button", { name: "Copy embed code" }));
    await waitFor(() => expect(writeText).toHaveBeenCalledTimes(2));
    const snippet = writeText.mock.calls[1] as unknown as [string];
    expect(snippet[0]).toMatch(
      /^<iframe src="http:\/\/localhost:3000\/d\/pandas\?embed=1" title="Pandas basics"/,
    );
    expect(deck.getByRole("link", { name: "Open site" }).getAttribute("href")).toBe("/d/pandas");
  });

  it("shows the text to copy by hand when the clipboard is refused", async () => {
    vi.stubGlobal("navigator", {
      ...navigator,
      clipboard: { writeText: () => Promise.reject(new Error("denied")) },
    });
    await dashboard();
    const deck = await card(DECK.title);
    fireEvent.click(deck.getByRole("button", { name: "Copy link" }));
    expect(((await deck.findByLabelText("Copy this by hand:")) as HTMLInputElement).value).toBe(
      "http://localhost:3000/d/pandas",
    );
  });
});

describe("settings", () => {
  it("saves the title and description with PATCH and shows the new title", async () => {
    await dashboard();
    const deck = await card(DECK.title);
    await open(deck, "Edit details and sharing");
    const save = deck.getByRole("button", { name: "Save title and description" }) as HTMLButtonElement;
    expect(save.disabled).toBe(true); // nothing changed yet
    server.on("PATCH", "/api/decks/deck-1", ({ body }) => json({ ...DECK, ...(body as object) }));
    fireEvent.change(deck.getByLabelText("Title"), { target: { value: "  Pandas in practice " } });
    fireEvent.change(deck.getByLabelText("Description"), { target: { value: "For the Tuesday class" } });
    fireEvent.click(save);
    await screen.findByRole("link", { name: "Pandas in practice" });
    const [patch] = server.to("PATCH", "/api/decks/deck-1");
    expect(patch?.body).toEqual({ title: "Pandas in practice", description: "For the Tuesday class" });
    expect(patch?.headers.get("X-CSRF-Token")).toBe("csrf-1");
    expect(deck.getByText("Saved.")).toBeTruthy();
  });

  it("sends each switch as it changes: downloads and the notes mode", async () => {
    await dashboard();
    const deck = await card(DECK.title);
    await open(deck, "Edit details and sharing");
    server.on("PATCH", "/api/decks/deck-1", ({ body }) => json({ ...DECK, ...(body as object) }));
    const download = deck.getByRole("checkbox", {
      name: "Allow download of the original",
    }) as HTMLInputElement;
    expect(download.checked).toBe(false);
    fireEvent.click(download);
    expect(download.checked).toBe(true); // at once, while the server confirms
    await deck.findByText("Viewers can download the original.");
    fireEvent.click(deck.getByRole("radio", { name: /^Hidden/ }));
    await waitFor(() =>
      expect((deck.getByRole("radio", { name: /^Hidden/ }) as HTMLInputElement).checked).toBe(true),
    );
    expect(server.to("PATCH", "/api/decks/deck-1").map((sent) => sent.body)).toEqual([
      { allow_download: true },
      { notes_mode: "hidden" },
    ]);
  });

  it("keeps the switch as it was and says why when the change is refused", async () => {
    await dashboard();
    const deck = await card(DECK.title);
    await open(deck, "Edit details and sharing");
    server.on(
      "PATCH",
      "/api/decks/deck-1",
      problem(422, "invalid_notes_mode", "notes_mode must be hidden, private or public."),
    );
    fireEvent.click(deck.getByRole("radio", { name: /^Private/ }));
    await deck.findByText("notes_mode must be hidden, private or public.");
    expect((deck.getByRole("radio", { name: /^Public/ }) as HTMLInputElement).checked).toBe(true);
  });
});

describe("replace", () => {
  it("uploads a new version under the same link and follows it until it is ready", async () => {
    await dashboard();
    const deck = await card(DECK.title);
    await open(deck, "Replace the file");
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    fireEvent.change(deck.getByLabelText("New version: deck and notes files"), {
      target: { files: [file("pandas-v2.pptx"), file("notes.md")] },
    });
    const replacing = { job_id: "j3", stage: "render", done: 1, total: 4 };
    server.on(
      "POST",
      "/api/decks/deck-1/versions",
      json({ id: "deck-1", slug: "pandas", job_id: "j3", status: "queued", url: "/d/pandas" }, 202),
    );
    server.on("GET", "/api/decks/deck-1", json({ ...DECK, replacing }));
    fireEvent.click(deck.getByRole("button", { name: "Upload new version" }));

    await deck.findByRole("list", { name: "New version of “Pandas basics”" });
    const body = server.to("POST", "/api/decks/deck-1/versions")[0]!.body as FormData;
    expect((body.get("deck") as File).name).toBe("pandas-v2.pptx");
    expect(body.getAll("notes").map((note) => (note as File).name)).toEqual(["notes.md"]);
    expect(deck.getByText(/viewers still see this one/)).toBeTruthy();
    expect(deck.getByText(/· version 1 ·/)).toBeTruthy();

    server.on("GET", "/api/decks/deck-1", json({ ...DECK, version: 2 }));
    await act(async () => {}); // let the effect that starts polling run before the clock moves
    await act(async () => vi.advanceTimersByTime(1000));
    await deck.findByText(/· version 2 ·/);
    expect(deck.queryByRole("list", { name: /^New version of/ })).toBeNull();
    const polls = server.to("GET", "/api/decks/deck-1").length;
    await act(async () => vi.advanceTimersByTime(3000));
    expect(server.to("GET", "/api/decks/deck-1")).toHaveLength(polls); // done: no more polling
  });

  it("shows why a new version failed while the old one stays", async () => {
    await dashboard([
      { ...DECK, replace_error: { code: "encrypted_pdf", message: "this PDF is password-protected." } },
    ]);
    const deck = await card(DECK.title);
    expect(
      deck.getByText(/The new version failed: this PDF is password-protected\. This version stays\./),
    ).toBeTruthy();
  });
});

describe("delete", () => {
  it("asks first, can be cancelled, and removes the deck once confirmed", async () => {
    await dashboard();
    const deck = await card(DECK.title);
    fireEvent.click(deck.getByRole("button", { name: "Delete" }));
    const confirm = deck.getByRole("alertdialog");
    expect(confirm.textContent).toContain("Delete “Pandas basics”?");
    expect(document.activeElement).toBe(within(confirm).getByRole("button", { name: "Cancel" }));
    fireEvent.keyDown(confirm, { key: "Escape" });
    expect(deck.queryByRole("alertdialog")).toBeNull();
    expect(server.to("DELETE", "/api/decks/deck-1")).toHaveLength(0);

    server.on("DELETE", "/api/decks/deck-1", new Response(null, { status: 204 }));
    fireEvent.click(deck.getByRole("button", { name: "Delete" }));
    fireEvent.click(deck.getByRole("button", { name: "Delete for good" }));
    await screen.findByText(/No decks yet/);
    expect(server.to("DELETE", "/api/decks/deck-1")).toHaveLength(1);
  });
});

describe("analytics", () => {
  const ANALYTICS: Analytics = {
    deck_id: "deck-1",
    total_views: 7,
    total_questions: 3,
    slides: [
      { number: 1, title: "Pandas basics", views: 4, questions: 0 },
      { number: 2, title: "Series", views: 3, questions: 3 },
    ],
    unanswered: [{ question: "Does it run on a GPU?", slide: 2, asked_at: "2025-01-02T10:00:00Z" }],
  };

  it("loads when opened: views and questions per slide, and the questions left unanswered", async () => {
    server.on("GET", "/api/decks/deck-1/analytics", json(ANALYTICS));
    await dashboard();
    const deck = await card(DECK.title);
    expect(server.to("GET", "/api/decks/deck-1/analytics")).toHaveLength(0); // not until it is opened
    await open(deck, "Analytics");
    const table = await deck.findByRole("table");
    const rows = within(table)
      .getAllByRole("row")
      .map((row) => [...row.querySelectorAll("th, td")].map((cell) => cell.textContent?.trim()));
    expect(rows).toEqual([
      ["Slide", "Views", "Questions"],
      ["1 Pandas basics", "4", "0"],
      ["2 Series", "3", "3"],
    ]);
    expect(deck.getByText(/slide views/).textContent).toMatch(/^7 slide views · 3 questions/);
    const widths = [...table.querySelectorAll<HTMLElement>(".bar")].map((bar) => bar.style.width);
    expect(widths).toEqual(["100%", "75%", "100%"]); // each column to its own top; none for a zero
    const todo = deck.getByRole("heading", {
      name: "Questions the chat could not answer",
    }).nextElementSibling!;
    expect(todo.textContent).toContain("Does it run on a GPU?");
    expect(todo.textContent).toContain("on slide 2");
  });
});
