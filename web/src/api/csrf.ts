/**
 * The CSRF token a signed-in page sends as X-CSRF-Token with every POST, PATCH and DELETE: the server
 * refuses a change made by session cookie without it (403 `csrf_failed`). The token comes with
 * GET /api/session (see session.ts), which hands it here.
 */
import type { Middleware } from "openapi-fetch";

export const CSRF_HEADER = "X-CSRF-Token";
const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

let token: string | null = null;
let pending: Promise<unknown> | null = null;

export function setCsrfToken(value: string | null): void {
  token = value;
}

/** While the session is being fetched, changes wait for it, so none leaves without the token it brings. */
export function waitFor(session: Promise<unknown>): void {
  pending = session;
  const settle = () => {
    if (pending === session) pending = null;
  };
  session.then(settle, settle);
}

/** The header to add to a request made outside the API client (none there is none to send). */
export async function csrfHeaders(): Promise<Record<string, string>> {
  if (pending) await pending.catch(() => undefined);
  return token ? { [CSRF_HEADER]: token } : {};
}

export const csrf: Middleware = {
  async onRequest({ request }) {
    if (!UNSAFE.has(request.method)) return undefined;
    for (const [name, value] of Object.entries(await csrfHeaders())) request.headers.set(name, value);
    return undefined;
  },
};
