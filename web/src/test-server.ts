/**
 * A stand-in for the server in component tests: answers the API client's requests from routes a test
 * sets, records what was sent, and replays progress events. `install()` must run before the client is
 * created (in `vi.hoisted`), since openapi-fetch keeps the fetch and Request it was made with.
 */

/** What the page sent: a FormData as the page built it (jsdom's multipart cannot be read back), or JSON. */
export type Sent = { method: string; path: string; body: unknown; headers: Headers };
type Reply = Response | ((sent: Sent) => Response);

export const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

export const problem = (status: number, code: string, message: string) =>
  json({ error: { code, message } }, status);

const SENT = Symbol("sent body");

class KeepingRequest extends Request {
  [SENT]: unknown;
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(input, init);
    this[SENT] = init?.body;
  }
}

function bodyOf(request: Request): unknown {
  const body = (request as KeepingRequest)[SENT];
  if (typeof body !== "string") return body;
  return body ? JSON.parse(body) : undefined;
}

export class FakeServer {
  sent: Sent[] = [];
  private routes = new Map<string, Reply>();

  on(method: string, path: string, reply: Reply): this {
    this.routes.set(`${method} ${path}`, reply);
    return this;
  }

  reset(): void {
    this.sent = [];
    this.routes.clear();
  }

  /** What was sent to `method path`, in order. */
  to(method: string, path: string): Sent[] {
    return this.sent.filter((sent) => sent.method === method && sent.path === path);
  }

  async handle(request: Request): Promise<Response> {
    const sent = {
      method: request.method,
      path: new URL(request.url).pathname,
      body: bodyOf(request),
      headers: new Headers(request.headers),
    };
    this.sent.push(sent);
    const reply = this.routes.get(`${sent.method} ${sent.path}`);
    if (!reply) return problem(404, "not_found", `no route for ${sent.method} ${sent.path}`);
    return typeof reply === "function" ? reply(sent) : reply.clone();
  }
}

/** EventSource as the page uses it: named events; the test sends them with `emit`. */
export class FakeEventSource {
  static opened: FakeEventSource[] = [];
  readonly url: string;
  closed = false;
  private listeners = new Map<string, ((event: MessageEvent<string>) => void)[]>();

  constructor(url: string) {
    this.url = url;
    FakeEventSource.opened.push(this);
  }

  addEventListener(type: string, listener: (event: MessageEvent<string>) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close() {
    this.closed = true;
  }

  emit(type: string, data: unknown) {
    const event = new MessageEvent(type, { data: JSON.stringify(data) });
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
}

export const server = new FakeServer();

export function install(): void {
  globalThis.Request = KeepingRequest;
  globalThis.fetch = ((input: Request) => server.handle(input)) as typeof fetch;
  globalThis.EventSource = FakeEventSource as unknown as typeof EventSource;
}
