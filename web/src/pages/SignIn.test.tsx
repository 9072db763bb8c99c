// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// The API client keeps the fetch and Request it was created with: the stand-ins go in before any import.
await vi.hoisted(async () => (await import("../test-server")).install());

import { App } from "../App";
import { forgetSession, linkSecret } from "../api/session";
import { DECK, PRESENTER } from "../test-fixtures";
import { json, problem, server } from "../test-server";

const ANONYMOUS = { user: null, csrf_token: null };

function visit(path: string) {
  server.on("GET", "/api/session", json(ANONYMOUS));
  server.on("GET", "/api/decks", json({ decks: [DECK] }));
  window.history.replaceState(null, "", path);
  return render(<App />);
}

async function fill(email: string, password: string) {
  fireEvent.change(await screen.findByLabelText("E-mail"), { target: { value: email } });
  fireEvent.change(screen.getByLabelText("Password"), { target: { value: password } });
  fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
}

beforeEach(() => {
  server.reset();
  forgetSession();
});
afterEach(cleanup);

describe("signing in with e-mail and password", () => {
  it("goes to the dashboard, whose changes then carry the new session's CSRF token", async () => {
    visit("/signin");
    server.on("POST", "/api/session", json(PRESENTER));
    await fill(" ada@example.org ", "correct horse");
    await screen.findByRole("heading", { level: 1, name: "Your decks" });
    expect(window.location.pathname).toBe("/");
    expect(server.to("POST", "/api/session")[0]?.body).toEqual({
      email: "ada@example.org",
      password: "correct horse",
    });
    expect(within(screen.getByRole("banner")).getByText("ada@example.org")).toBeTruthy();

    server.on("DELETE", "/api/decks/deck-1", new Response(null, { status: 204 }));
    fireEvent.click(await screen.findByRole("button", { name: "Delete" }));
    fireEvent.click(screen.getByRole("button", { name: "Delete for good" }));
    await waitFor(() => expect(server.to("DELETE", "/api/decks/deck-1")).toHaveLength(1));
    expect(server.to("DELETE", "/api/decks/deck-1")[0]?.headers.get("X-CSRF-Token")).toBe("csrf-1");
  });

  it("says when the e-mail and password do not match, and keeps the e-mail", async () => {
    visit("/signin");
    server.on("POST", "/api/session", problem(401, "bad_credentials", "That e-mail and password do not match."));
    await fill("ada@example.org", "wrong");
    expect((await screen.findByRole("alert")).textContent).toBe("That e-mail and password do not match.");
    expect((screen.getByLabelText("E-mail") as HTMLInputElement).value).toBe("ada@example.org");
    expect((screen.getByLabelText("Password") as HTMLInputElement).value).toBe("");
    expect(window.location.pathname).toBe("/signin");
  });

  it("counts down the wait when there were too many attempts", async () => {
    visit("/signin");
    const limited = problem(429, "rate_limited", "Too many attempts; try again in a minute.");
    limited.headers.set("Retry-After", "42");
    server.on("POST", "/api/session", limited);
    await fill("ada@example.org", "guess");
    expect((await screen.findByRole("alert")).textContent).toMatch(/^Too many attempts\. Try again in 4[12] s\.$/);
    expect((screen.getByRole("button", { name: /^Sign in/ }) as HTMLButtonElement).disabled).toBe(true);
  });

  it("sends someone already signed in on to the dashboard", async () => {
    server.on("GET", "/api/session", json(PRESENTER));
    server.on("GET", "/api/decks", json({ decks: [] }));
    window.history.replaceState(null, "", "/signin");
    render(<App />);
    await screen.findByRole("heading", { level: 1, name: "Your decks" });
  });
});

describe("signing in with a one-time link", () => {
  const SECRET = "s3cret-link-token-of-forty-characters-xyz";

  it("posts the secret from the fragment once, takes it out of the address, and opens the dashboard", async () => {
    server.on("POST", "/api/session/link", json(PRESENTER));
    visit(`/signin#link=${SECRET}`);
    await screen.findByRole("heading", { level: 1, name: "Your decks" });
    expect(server.to("POST", "/api/session/link").map((sent) => sent.body)).toEqual([{ token: SECRET }]);
    expect(window.location.href).not.toContain(SECRET);
    expect(window.location.pathname + window.location.hash).toBe("/");
  });

  it("says why a spent link does not work, and offers the form", async () => {
    server.on(
      "POST",
      "/api/session/link",
      problem(400, "link_invalid", "This sign-in link is not valid: it was used already."),
    );
    visit(`/signin#link=${SECRET}`);
    expect((await screen.findByRole("alert")).textContent).toBe("This sign-in link is not valid: it was used already.");
    expect(window.location.hash).toBe("");
    expect(screen.getByLabelText("E-mail")).toBeTruthy();
  });

  it("reads the secret from the fragment only", () => {
    expect(linkSecret(`#link=${SECRET}`)).toBe(SECRET);
    expect(linkSecret("#other=1&link=abc")).toBe("abc");
    for (const hash of ["", "#", "#link=", "#token=abc"]) expect(linkSecret(hash)).toBeNull();
  });
});
