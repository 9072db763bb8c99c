// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChatAnswer } from "../chat/ask";
import { AskFailed } from "../chat/ask";
import { saveConversation } from "../chat/conversation";
import type { Asker } from "../chat/useChat";
import { deckPath, quotePath, useRoute } from "../router";
import { DECK, SLIDES } from "../test-fixtures";
import { DeckView } from "./DeckView";

function Site({ asker, onView }: { asker?: Asker; onView?: (slide: number) => void }) {
  const route = useRoute();
  if (route.page !== "deck") return null;
  return (
    <DeckView
      deck={DECK}
      slides={SLIDES}
      requested={route.slide}
      quote={route.quote}
      {...(asker ? { asker } : {})}
      {...(onView ? { onView } : {})}
    />
  );
}

function open(slide: number, asker?: Asker) {
  window.history.replaceState(null, "", deckPath(DECK.slug, slide));
  return render(<Site {...(asker ? { asker } : {})} />);
}

const counter = () => document.querySelector(".counter")?.textContent;
const chat = () => within(screen.getByRole("complementary", { name: "Ask the deck" }));
const press = (key: string, init: KeyboardEventInit = {}, target: Element = document.body) =>
  fireEvent.keyDown(target, { key, ...init });

const ANSWER: ChatAnswer = {
  answer: "Select it with **df['name']**.",
  citations: [{ slide: 3, quote: "df['name'] returns a Series", regions: [] }],
  refused: false,
  llm: "extractive",
  grounding_replaced: false,
  conversation_id: "c1",
};

/** An asker the test drives: it records the question, then streams and answers when told. */
function scriptedAsker() {
  const calls: { question: Parameters<Asker>[1]; options: Parameters<Asker>[2] }[] = [];
  let finish: (answer: ChatAnswer) => void = () => {};
  let fail: (error: unknown) => void = () => {};
  const asker: Asker = (_deck, question, options) => {
    calls.push({ question, options });
    options.signal.addEventListener("abort", () => fail(new DOMException("stopped", "AbortError")));
    return new Promise<ChatAnswer>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
  };
  return {
    asker,
    calls,
    token: (text: string) => act(() => calls.at(-1)?.options.onToken(text)),
    answer: (answer: ChatAnswer) => act(async () => finish(answer)),
    fail: (error: unknown) => act(async () => fail(error)),
  };
}

beforeEach(() => sessionStorage.clear());
afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("keyboard navigation", () => {
  it("steps with the arrows and PageUp/PageDown, jumps with Home/End, and keeps the URL in step", () => {
    open(1);
    expect(counter()).toBe("1 / 4");
    press("ArrowRight");
    expect(counter()).toBe("2 / 4");
    expect(window.location.pathname).toBe("/d/pandas/2");
    press("End");
    expect(counter()).toBe("4 / 4");
    press("ArrowRight"); // past the end stays on the end
    expect(window.location.pathname).toBe("/d/pandas/4");
    press("PageUp");
    expect(counter()).toBe("3 / 4");
    press("Home");
    expect(counter()).toBe("1 / 4");
    press("PageDown");
    expect(counter()).toBe("2 / 4");
    press("ArrowLeft");
    expect(counter()).toBe("1 / 4");
  });

  it("leaves keys alone while typing, with a modifier, or inside the chat log", () => {
    open(2);
    press("ArrowRight", {}, chat().getByLabelText("Your question"));
    press("ArrowRight", {}, screen.getByRole("searchbox", { name: "Search this deck" }));
    press("ArrowRight", { altKey: true });
    press("End", {}, chat().getByRole("log"));
    expect(counter()).toBe("2 / 4");
  });

  it("names the slide image from its title and text, with both sizes on offer", () => {
    open(2);
    const image = screen.getByRole("img", { name: /^Slide 2: Series — A one-dimensional/ });
    expect(image.getAttribute("srcset")).toBe("/media/t2.webp 320w, /media/i2.webp 1600w");
    expect(image.getAttribute("sizes")).toContain("100vw");
  });
});

describe("view counting", () => {
  it("reports a slide once it has stayed a second, once per visit", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const onView = vi.fn();
    window.history.replaceState(null, "", deckPath(DECK.slug, 1));
    render(<Site onView={onView} />);
    act(() => vi.advanceTimersByTime(400));
    press("ArrowRight"); // slide 1 was not on screen long enough
    act(() => vi.advanceTimersByTime(1000));
    expect(onView.mock.calls).toEqual([[2]]);
    press("ArrowRight");
    press("ArrowLeft"); // back on 2 within a second: already counted
    act(() => vi.advanceTimersByTime(2000));
    expect(onView.mock.calls).toEqual([[2]]);
  });
});

describe("search", () => {
  it("jumps to a result, or to the first one on Enter", () => {
    open(1);
    const search = screen.getByRole("searchbox", { name: "Search this deck" });
    fireEvent.change(search, { target: { value: "read_csv" } });
    fireEvent.click(within(screen.getByRole("list", { name: "Search results" })).getByRole("button"));
    expect(counter()).toBe("4 / 4");
    fireEvent.change(search, { target: { value: "series" } });
    fireEvent.keyDown(search, { key: "Enter" });
    expect(counter()).toBe("2 / 4");
  });
});

describe("citations", () => {
  it("move the viewer to the cited slide and highlight it for a moment", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    saveConversation(DECK.id, {
      id: "c1",
      turns: [
        { role: "user", text: "How do I select a column?", slide: null },
        {
          role: "assistant",
          text: ANSWER.answer,
          citations: [{ ...ANSWER.citations[0]!, regions: [REGION] }],
          refused: false,
          stopped: false,
        },
      ],
    });
    // jsdom lays nothing out: the slide image gets the box a browser would give it (16:9, as the slide).
    vi.spyOn(HTMLImageElement.prototype, "offsetWidth", "get").mockReturnValue(800);
    vi.spyOn(HTMLImageElement.prototype, "offsetHeight", "get").mockReturnValue(450);
    open(1);
    const chip = chat().getByRole("link", { name: "Show Slide 3: Selecting columns" });
    expect(chip.querySelector("img")?.getAttribute("src")).toBe("/media/t3.webp"); // decorative: alt=""
    const quote = ANSWER.citations[0]?.quote ?? "";
    expect(chip.getAttribute("href")).toBe(quotePath("pandas", 3, quote)); // to copy, or open in a tab

    fireEvent.click(chip);
    expect(counter()).toBe("3 / 4");
    expect(window.location.pathname).toBe("/d/pandas/3");
    expect(new URLSearchParams(window.location.search).get("q")).toBe(quote);
    const stage = document.querySelector(".stage");
    expect(stage?.classList.contains("cited")).toBe(true);
    expect(document.activeElement).toBe(stage);
    act(() => vi.advanceTimersByTime(1600));
    expect(stage?.classList.contains("cited")).toBe(false);
    // The highlight stays (told in words to screen readers) until the viewer moves on.
    expect(described(stage)).toBe(`Highlighted on this slide: “${quote}”`);
    const drawn = document.querySelector<HTMLElement>(".highlights-cited .highlight");
    expect(parseFloat(drawn?.style.left ?? "")).toBeCloseTo(100 * REGION.x);
    expect(parseFloat(drawn?.style.width ?? "")).toBeCloseTo(100 * REGION.w);
    expect(drawn?.parentElement?.getAttribute("aria-hidden")).toBe("true");
    expect(document.querySelector(".slide-text mark")?.textContent).toBe(quote);
    press("ArrowRight");
    expect(counter()).toBe("4 / 4");
    expect(window.location.search).toBe("");
    expect(described(document.querySelector(".stage"))).toBeNull();
    expect(document.querySelector(".highlight")).toBeNull();
    expect(document.querySelector(".slide-text mark")).toBeNull();
  });

  it("opens a deep link with its quote marked in the slide text and the transcript", () => {
    window.history.replaceState(null, "", quotePath(DECK.slug, 2, "one-dimensional   labelled"));
    render(<Site />);
    expect(counter()).toBe("2 / 4");
    // The fixture's slides have no lines (no boxes): the quote is told, and marked in the text.
    expect(described(document.querySelector(".stage"))).toBe("Quoted: “one-dimensional   labelled”");
    expect(document.querySelector(".slide-text mark")?.textContent).toBe("one-dimensional labelled");
    const transcript = document.querySelector<HTMLDetailsElement>("details.transcript");
    act(() => {
      if (transcript) transcript.open = true;
      transcript?.dispatchEvent(new Event("toggle"));
    });
    const marks = [...document.querySelectorAll(".transcript mark")].map((mark) => mark.textContent);
    expect(marks).toEqual(["one-dimensional labelled"]);
    const thumbnails = within(screen.getByRole("navigation", { name: "Slides" }));
    fireEvent.click(thumbnails.getByRole("link", { name: "Slide 1: Pandas basics" }));
    expect(counter()).toBe("1 / 4");
    expect(document.querySelectorAll("mark")).toHaveLength(0);
  });
});

const REGION = { x: 0.1, y: 0.2, w: 0.3, h: 0.05 };

/** The text of whatever describes `element` (aria-describedby), or null. */
function described(element: Element | null): string | null {
  const id = element?.getAttribute("aria-describedby");
  return id ? (document.getElementById(id)?.textContent ?? null) : null;
}

describe("chat", () => {
  it("shows thinking, then the streamed text, then the answer with its citations, and keeps it for the tab", async () => {
    const script = scriptedAsker();
    open(2, script.asker);
    fireEvent.change(chat().getByLabelText("Your question"), {
      target: { value: "How do I select a column?" },
    });
    fireEvent.click(chat().getByRole("button", { name: "Ask" }));
    expect(script.calls[0]?.question).toEqual({
      question: "How do I select a column?",
      conversation_id: null,
      slide: 2,
    });
    expect(chat().getByRole("status").textContent).toBe("Thinking…");
    expect(chat().getByRole("log").getAttribute("aria-busy")).toBe("true");

    script.token("Select it with ");
    script.token("**df");
    expect(chat().getByRole("log").textContent).toContain("Select it with **df");
    await script.answer(ANSWER);
    const reply = chat()
      .getAllByRole("listitem")
      .find((item) => item.classList.contains("turn-assistant"));
    expect(reply?.querySelector("strong")?.textContent).toBe("df['name']");
    expect(chat().getByRole("link", { name: /^Show Slide 3/ })).toBeTruthy();
    expect(chat().getByRole("log").getAttribute("aria-busy")).toBe("false");

    cleanup(); // a reload: the same tab reads the conversation back, and the next question continues it
    open(2, script.asker);
    expect(chat().getByRole("link", { name: /^Show Slide 3/ })).toBeTruthy();
    fireEvent.click(chat().getByRole("button", { name: "Ask about slide 2" }));
    expect(script.calls[1]?.question).toEqual({
      question: "What is on this slide?",
      conversation_id: "c1",
      slide: 2,
    });
    expect(chat().getByText("About slide 2")).toBeTruthy();
  });

  it("offers the deck's suggested questions and sends one on a click", () => {
    const script = scriptedAsker();
    open(1, script.asker);
    const starters = chat().getByRole("list", { name: "Suggested questions" });
    fireEvent.click(within(starters).getByRole("button"));
    expect(script.calls[0]?.question.question).toBe(DECK.suggested_questions[0]);
  });

  it("stops an answer with the stop button and keeps what had arrived", async () => {
    const script = scriptedAsker();
    open(1, script.asker);
    fireEvent.change(chat().getByLabelText("Your question"), { target: { value: "Tell me everything" } });
    fireEvent.keyDown(chat().getByLabelText("Your question"), { key: "Enter" });
    script.token("Half an ans");
    await act(async () => fireEvent.click(chat().getByRole("button", { name: "Stop" })));
    expect(script.calls[0]?.options.signal.aborted).toBe(true);
    expect(chat().getByText("Half an ans")).toBeTruthy();
    expect(chat().getByText("Stopped.")).toBeTruthy();
    expect(chat().getByRole("button", { name: "Ask" })).toBeTruthy();
  });

  it("says the generator is offline and asks the same question again on retry", async () => {
    const script = scriptedAsker();
    open(1, script.asker);
    fireEvent.change(chat().getByLabelText("Your question"), { target: { value: "What is a Series?" } });
    fireEvent.click(chat().getByRole("button", { name: "Ask" }));
    await script.fail(new AskFailed({ kind: "offline" }));
    expect(chat().getByRole("status").textContent).toContain("offline");
    fireEvent.click(chat().getByRole("button", { name: "Retry" }));
    expect(script.calls.map((call) => call.question.question)).toEqual([
      "What is a Series?",
      "What is a Series?",
    ]);
    await script.answer(ANSWER);
    expect(chat().getAllByText("What is a Series?")).toHaveLength(1);
  });

  it("counts down before a retry when the server is busy", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
    const script = scriptedAsker();
    open(1, script.asker);
    fireEvent.change(chat().getByLabelText("Your question"), { target: { value: "What is a Series?" } });
    fireEvent.click(chat().getByRole("button", { name: "Ask" }));
    await script.fail(new AskFailed({ kind: "busy", retryAfter: 3 }));
    expect(chat().getByRole("status").textContent).toBe("The server is busy. Retry in 3 s.");
    const retry = chat().getByRole("button", { name: "Retry in 3 s" });
    expect((retry as HTMLButtonElement).disabled).toBe(true);
    act(() => vi.advanceTimersByTime(3000));
    expect((chat().getByRole("button", { name: "Retry" }) as HTMLButtonElement).disabled).toBe(false);
  });
});
