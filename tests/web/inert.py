"""Watching a browser for deck content that got out of its text: dialogs, popups, requests to other
origins, console errors, and elements or attributes in the DOM that markup would have made."""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import ConsoleMessage, Dialog, Error, Page, Request, Route

# Everything in a document that deck text could have become: elements that run or load things,
# event-handler attributes, script URLs, and anything loaded from another origin.
INSPECT = """() => {
  const here = location.origin;
  const foreign = (url) => {
    try { return new URL(url, document.baseURI).origin !== here; } catch { return true; }
  };
  const urlAttrs = new Set(["href", "src", "srcset", "action", "formaction", "data", "poster", "background",
                            "xlink:href", "ping", "cite", "longdesc", "manifest", "codebase"]);
  const problems = [];
  for (const el of document.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    for (const {name, value} of el.attributes) {
      const n = name.toLowerCase(), v = value.replace(/[\\s\\u0000-\\u001f]+/g, "").toLowerCase();
      const scheme = /^(javascript|vbscript|data):/.test(v);
      if (n.startsWith("on") || (urlAttrs.has(n) && scheme)) problems.push(`<${tag} ${n}="${value}">`);
    }
  }
  const risky = "iframe, frame, frameset, object, embed, applet, svg, math, base, meta[http-equiv], style, " +
                "template, portal, video, audio, source, track, b";
  for (const el of document.querySelectorAll(risky)) problems.push(el.outerHTML.slice(0, 160));
  for (const s of document.scripts) {
    const ours = s.src && !foreign(s.src) && new URL(s.src).pathname.startsWith("/assets/");
    if (!ours || s.textContent.trim()) problems.push(s.outerHTML.slice(0, 160));
  }
  for (const l of document.querySelectorAll("link")) if (foreign(l.href)) problems.push(l.outerHTML);
  for (const f of document.forms) {
    if (f.getAttribute("action") && foreign(f.action)) problems.push(f.outerHTML);
  }
  for (const img of document.images) {
    if (foreign(img.currentSrc || img.src) || img.getAttribute("src") === "x") problems.push(img.outerHTML);
  }
  const links = [];
  for (const a of document.querySelectorAll("a[href]")) {
    if (!foreign(a.href)) continue;
    const inAnswer = a.closest(".turn-assistant") !== null;
    links.push({href: a.href, rel: a.rel, inAnswer});
    if (!inAnswer) problems.push(a.outerHTML);
  }
  return {problems, links};
}"""


@dataclass
class Guard:
    """What a browser context did that deck content must never make it do."""

    origin: str
    chat: re.Pattern[str]  # requests whose answer events are kept in ``answers``
    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    pages: int = 0
    answers: list[dict[str, Any]] = field(default_factory=list)
    checked: tuple[int, ...] | None = None

    def route(self, route: Route) -> None:
        url = route.request.url
        if not url.startswith(f"{self.origin}/"):
            self.foreign.append(url)
            route.abort()
        elif self.chat.search(url):
            # Chromium keeps no body for a response read as a stream: read the server's events on the way.
            response = route.fetch()
            self.answers.append(final_answer(response.text()))
            route.fulfill(response=response)
        else:
            route.continue_()

    def dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        with contextlib.suppress(Error):  # the page may be gone: a meta refresh navigated it away
            dialog.dismiss()

    def watch(self, page: Page) -> None:
        self.pages += 1
        page.on("dialog", self.dialog)
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def on_console(self, message: ConsoleMessage) -> None:
        if message.text.startswith("Failed to load resource: the server responded with a status of"):
            return  # the test server's own 401s and 404s (favicon.ico); other origins are never reached
        if message.type in ("error", "warning"):
            self.console.append(f"{message.type}: {message.text}")

    def on_request(self, request: Request) -> None:
        self.requests.append(request.url)

    def tally(self) -> tuple[int, ...]:
        return tuple(map(len, (self.requests, self.foreign, self.dialogs, self.console, self.errors)))

    def assert_clean(self) -> None:
        self.checked = self.tally()
        assert not self.dialogs, f"a dialog opened: {self.dialogs}"
        assert not self.foreign, f"requests left for other origins: {self.foreign}"
        outside = [url for url in self.requests if not url.startswith(f"{self.origin}/")]
        assert not outside, outside
        odd = [url for url in self.requests if "evil" in url or re.search(r"/x(\?|$)", url)]
        assert not odd, f"requests made by injected markup: {odd}"
        assert not self.errors, self.errors
        assert not self.console, self.console
        assert self.pages == 1, "deck content opened a window"


def final_answer(events: str) -> dict[str, Any]:
    data = re.findall(r"^event: answer\r?\ndata: (.*)$", events, re.MULTILINE)
    assert len(data) == 1, events
    answer: dict[str, Any] = json.loads(data[0])
    return answer


def assert_inert(page: Page) -> list[dict[str, Any]]:
    """No element from deck text in any frame of the page; returns the foreign links in answers."""
    links: list[dict[str, Any]] = []
    for frame in page.frames:
        if frame.url.startswith("about:"):
            continue
        found = frame.evaluate(INSPECT)
        assert not found["problems"], f"{frame.url}: {found['problems']}"
        links += found["links"]
    return links
