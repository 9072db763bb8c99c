// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// The API client keeps the fetch and Request it was created with: the stand-ins go in before any import.
await vi.hoisted(async () => (await import("../test-server")).install());

import type { Deck } from "../api/client";
import { fromLocalInput, toLocalInput } from "../dashboard/sharing";
import { DECK } from "../test-fixtures";
import { json, problem, server } from "../test-server";
import { DeckSharing } from "./DeckSharing";
import { UploadForm } from "./UploadForm";

const patched = () => server.to("PATCH", "/api/decks/deck-1").map((sent) => sent.body);
const select = () => screen.getByLabelText("Who can open it") as HTMLSelectElement;

function sharing(deck: Deck = DECK) {
  const onUpdate = vi.fn();
  server.on("PATCH", "/api/decks/deck-1", ({ body }) => {
    const changes = body as Partial<Deck> & { password?: string };
    const { password, ...rest } = changes;
    return json({ ...deck, ...rest, has_password: deck.has_password || password !== undefined });
  });
  render(<DeckSharing deck={deck} onUpdate={onUpdate} />);
  return onUpdate;
}

beforeEach(() => server.reset());
afterEach(cleanup);

describe("the sharing settings", () => {
  it("offer the four modes, each explained, and explain the chosen one", () => {
    sharing();
    const options = [...select().options].map((option) => option.textContent);
    expect(options).toEqual([
      "Public — listed on your page",
      "Unlisted — anyone with the link",
      "Private — only you",
      "Password — the link and a password",
    ]);
    expect(select().value).toBe("public");
    const hint = () => document.getElementById(select().getAttribute("aria-describedby")!)?.textContent;
    expect(hint()).toMatch(/listed on your public page/);
    fireEvent.change(select(), { target: { value: "private" } });
    expect(hint()).toMatch(/^Only you/);
  });

  it("ask for a password before the password mode is saved, then send both", async () => {
    const onUpdate = sharing();
    fireEvent.change(select(), { target: { value: "password" } });
    const field = screen.getByLabelText(/^Password/) as HTMLInputElement;
    expect(field.type).toBe("password");
    fireEvent.click(screen.getByRole("button", { name: "Save sharing" }));
    await screen.findByText("Enter a password of at least 8 characters.");
    expect(patched()).toHaveLength(0);

    fireEvent.change(field, { target: { value: "open sesame" } });
    fireEvent.click(screen.getByRole("button", { name: "Save sharing" }));
    await screen.findByText("Sharing saved.");
    expect(patched()).toEqual([{ visibility: "password", password: "open sesame" }]);
    expect(onUpdate).toHaveBeenCalledWith(expect.objectContaining({ visibility: "password", has_password: true }));
  });

  it("keep a set password unless asked to change it", async () => {
    sharing({ ...DECK, visibility: "password", has_password: true });
    expect(screen.queryByLabelText(/password/i, { selector: "input" })).toBeNull();
    expect(screen.getByText(/A password is set/)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Change password" }));
    fireEvent.change(screen.getByLabelText(/^New password/), { target: { value: "a better one" } });
    fireEvent.click(screen.getByRole("button", { name: "Save sharing" }));
    await screen.findByText("Sharing saved.");
    expect(patched()).toEqual([{ password: "a better one" }]);
  });

  it("set an expiry, and remove it with “No expiry”", async () => {
    sharing();
    fireEvent.click(screen.getByRole("radio", { name: "Stops working at" }));
    const when = screen.getByLabelText("Expiry date and time") as HTMLInputElement;
    expect(fromLocalInput(when.value)).not.toBeNull(); // a week ahead, to start from
    fireEvent.change(when, { target: { value: toLocalInput("2030-01-31T18:00:00Z") } });
    fireEvent.click(screen.getByRole("button", { name: "Save sharing" }));
    await screen.findByText("Sharing saved.");
    expect(patched()).toEqual([{ expires_at: "2030-01-31T18:00:00.000Z" }]);

    cleanup();
    server.reset();
    sharing({ ...DECK, expires_at: "2030-01-31T18:00:00Z" });
    expect((screen.getByLabelText("Expiry date and time") as HTMLInputElement).value).toBe(
      toLocalInput("2030-01-31T18:00:00Z"),
    );
    fireEvent.click(screen.getByRole("radio", { name: "No expiry" }));
    expect(screen.queryByLabelText("Expiry date and time")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Save sharing" }));
    await screen.findByText("Sharing saved.");
    expect(patched()).toEqual([{ expires_at: null }]);
  });

  it("show the server's refusal as a sentence", async () => {
    server.on(
      "PATCH",
      "/api/decks/deck-1",
      problem(422, "password_missing", "A deck shown by password needs a password."),
    );
    render(<DeckSharing deck={DECK} onUpdate={() => undefined} />);
    fireEvent.change(select(), { target: { value: "private" } });
    fireEvent.click(screen.getByRole("button", { name: "Save sharing" }));
    await screen.findByText("A deck shown by password needs a password.");
  });
});

describe("the upload's sharing fields", () => {
  const choose = () =>
    fireEvent.change(screen.getByLabelText("Deck and notes files"), {
      target: { files: [new File(["x"], "talk.pdf")] },
    });

  it("send the mode, password and expiry with the files", async () => {
    server.on("POST", "/api/decks", json({ id: "d2", slug: "talk", job_id: "j", status: "queued", url: "/d/talk" }, 202));
    render(<UploadForm decks={[]} onUploaded={() => undefined} />);
    choose();
    fireEvent.change(select(), { target: { value: "password" } });
    fireEvent.change(screen.getByLabelText(/^Password/), { target: { value: "short" } });
    fireEvent.click(screen.getByRole("button", { name: "Upload" }));
    expect(screen.getByRole("alert").textContent).toBe("Enter a password of at least 8 characters.");
    expect(server.to("POST", "/api/decks")).toHaveLength(0);

    fireEvent.change(screen.getByLabelText(/^Password/), { target: { value: "long enough" } });
    fireEvent.click(screen.getByRole("radio", { name: "Stops working at" }));
    fireEvent.change(screen.getByLabelText("Expiry date and time"), {
      target: { value: toLocalInput("2030-01-31T18:00:00Z") },
    });
    fireEvent.click(screen.getByRole("button", { name: "Upload" }));
    await waitFor(() => expect(server.to("POST", "/api/decks")).toHaveLength(1));
    const body = server.to("POST", "/api/decks")[0]!.body as FormData;
    expect(body.get("visibility")).toBe("password");
    expect(body.get("password")).toBe("long enough");
    expect(body.get("expires_at")).toBe("2030-01-31T18:00:00.000Z");
    await waitFor(() => expect(select().value).toBe("unlisted")); // the form starts over
  });

  it("say why when the presenter's quota is full", async () => {
    const full = "You have 20 decks, the most this server allows; delete one to add another.";
    server.on("POST", "/api/decks", problem(403, "quota_exceeded", full));
    render(<UploadForm decks={[]} onUploaded={() => undefined} />);
    choose();
    fireEvent.click(screen.getByRole("button", { name: "Upload" }));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toBe(full));
  });
});
