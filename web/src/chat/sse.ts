/**
 * Server-sent events read from a fetch body. EventSource can only GET, and the chat endpoint takes a
 * POST, so the chat parses the stream itself, following the WHATWG "event stream" rules.
 */

export type ServerEvent = { event: string; data: string; id: string };

/** Feed it text as it arrives; it hands back each event once its blank line has been seen. */
export class SseParser {
  private buffer = "";
  private data: string[] = [];
  private event = "";
  private lastId = "";
  private started = false;

  feed(text: string): ServerEvent[] {
    if (!this.started && text) {
      this.started = true;
      if (text.startsWith("\uFEFF")) text = text.slice(1);
    }
    this.buffer += text;
    const events: ServerEvent[] = [];
    const lines = /\r\n|\r|\n/g;
    let start = 0;
    for (let match = lines.exec(this.buffer); match; match = lines.exec(this.buffer)) {
      // A chunk that ends in "\r" may be half of "\r\n": wait for the next chunk to know.
      if (match[0] === "\r" && match.index === this.buffer.length - 1) break;
      const event = this.line(this.buffer.slice(start, match.index));
      if (event) events.push(event);
      start = match.index + match[0].length;
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  private line(line: string): ServerEvent | null {
    if (line === "") return this.dispatch();
    if (line.startsWith(":")) return null; // a comment, e.g. a keep-alive ping
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
    else if (field === "id" && !value.includes("\0")) this.lastId = value;
    return null;
  }

  private dispatch(): ServerEvent | null {
    const event = this.event || "message";
    const data = this.data;
    this.data = [];
    this.event = "";
    // An event with no data lines is dropped, as browsers do.
    return data.length ? { event, data: data.join("\n"), id: this.lastId } : null;
  }
}

/** Every event in a byte stream, in order. An event cut off by the end of the stream is dropped. */
export async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  let finished = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      yield* parser.feed(decoder.decode(value, { stream: true }));
    }
    finished = true;
    yield* parser.feed(decoder.decode());
  } finally {
    // A reader that stops early (an answer event, an error) closes the connection instead of leaving it open.
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
