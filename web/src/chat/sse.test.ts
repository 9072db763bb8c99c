import { describe, expect, it } from "vitest";
import { readEvents, SseParser, type ServerEvent } from "./sse";

function streamOf(...chunks: string[]): ReadableStream<Uint8Array> {
  const bytes = chunks.map((chunk) => new TextEncoder().encode(chunk));
  return new ReadableStream({
    start(controller) {
      for (const b of bytes) controller.enqueue(b);
      controller.close();
    },
  });
}

async function all(stream: ReadableStream<Uint8Array>): Promise<ServerEvent[]> {
  const events: ServerEvent[] = [];
  for await (const event of readEvents(stream)) events.push(event);
  return events;
}

describe("SseParser", () => {
  it("reads named events with CRLF line endings, as sse-starlette sends them", () => {
    const parser = new SseParser();
    const events = parser.feed(
      'event: token\r\ndata: {"text": "Hi"}\r\n\r\nevent: answer\r\ndata: {}\r\n\r\n',
    );
    expect(events).toEqual([
      { event: "token", data: '{"text": "Hi"}', id: "" },
      { event: "answer", data: "{}", id: "" },
    ]);
  });

  it("joins data lines, defaults the name to message, skips comments and keeps the last id", () => {
    const parser = new SseParser();
    const events = parser.feed(": ping\n\nid: 7\ndata: one\ndata:two\n\n");
    expect(events).toEqual([{ event: "message", data: "one\ntwo", id: "7" }]);
  });

  it("holds a line until it is complete, even split inside a CRLF", () => {
    const parser = new SseParser();
    expect(parser.feed("event: tok")).toEqual([]);
    expect(parser.feed('en\r\ndata: {"text":')).toEqual([]);
    expect(parser.feed(' "a"}\r')).toEqual([]);
    expect(parser.feed("\n\r")).toEqual([]);
    expect(parser.feed("\n")).toEqual([{ event: "token", data: '{"text": "a"}', id: "" }]);
  });

  it("drops events without data and strips a leading byte-order mark", () => {
    const parser = new SseParser();
    expect(parser.feed("\uFEFFevent: ping\n\ndata: x\n\n")).toEqual([
      { event: "message", data: "x", id: "" },
    ]);
  });

  it("keeps the space after the first one and colons in the value", () => {
    const parser = new SseParser();
    expect(parser.feed("data:  a: b\n\n")).toEqual([{ event: "message", data: " a: b", id: "" }]);
  });
});

describe("readEvents", () => {
  it("decodes UTF-8 split across chunks and drops an event the stream cut off", async () => {
    const euro = new TextEncoder().encode("data: €\n\n");
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(euro.slice(0, 7)); // the middle of the three bytes of "€"
        controller.enqueue(euro.slice(7));
        controller.enqueue(new TextEncoder().encode("event: answer\ndata: {}"));
        controller.close();
      },
    });
    expect(await all(stream)).toEqual([{ event: "message", data: "€", id: "" }]);
  });

  it("yields events in order across many chunks", async () => {
    const events = await all(streamOf("event: token\nda", "ta: 1\n", "\nevent: token\ndata: 2\n\n"));
    expect(events.map((e) => e.data)).toEqual(["1", "2"]);
  });

  it("cancels the stream when the reader stops early", async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode("data: again\n\n"));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const event of readEvents(stream)) {
      expect(event.data).toBe("again");
      break;
    }
    expect(cancelled).toBe(true);
  });
});
