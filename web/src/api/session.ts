/**
 * Who is signed in: GET /api/session once per page, shared by every component through `useSession`.
 * Signing in (password or one-time link) and out update it, and with it the CSRF token changes carry.
 */
import { useEffect, useSyncExternalStore } from "react";
import { api } from "./client";
import { setCsrfToken, waitFor } from "./csrf";
import { errorCode, errorMessage, retryAfterSeconds } from "./errors";
import type { components } from "./schema";

export type User = components["schemas"]["UserOut"];
export type Session = components["schemas"]["SessionOut"];

export const ANONYMOUS: Session = { user: null, csrf_token: null };

let current: Session | undefined;
let loading: Promise<Session> | null = null;
const redeeming = new Map<string, Promise<Outcome>>();
const listeners = new Set<() => void>();

function publish(session: Session): Session {
  current = session;
  setCsrfToken(session.csrf_token);
  listeners.forEach((listener) => listener());
  return session;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** Ask the server again (after a 401 says the session ended, say). A failed ask counts as signed out. */
export function refreshSession(): Promise<Session> {
  const asked = api.GET("/api/session").then(
    ({ data }) => publish(data ?? ANONYMOUS),
    () => publish(ANONYMOUS),
  );
  loading = asked;
  waitFor(asked);
  const settle = () => {
    if (loading === asked) loading = null;
  };
  asked.then(settle, settle);
  return asked;
}

export function loadSession(): Promise<Session> {
  if (current) return Promise.resolve(current);
  return loading ?? refreshSession();
}

/** The session, or undefined until the server has said. */
export function useSession(): Session | undefined {
  const session = useSyncExternalStore(subscribe, () => current);
  useEffect(() => {
    void loadSession();
  }, []);
  return session;
}

/** For tests: forget what the server said, so the next page asks again. */
export function forgetSession(): void {
  current = undefined;
  loading = null;
  redeeming.clear();
  setCsrfToken(null);
}

/** How a sign-in went: the session, or a sentence to show and, when rate limited, the seconds to wait. */
export type Outcome =
  | { ok: true; session: Session }
  | { ok: false; code: string | null; message: string; retryAfter: number | null };

type Reply = { data?: Session; error?: unknown; response: Response };

async function settle(call: () => Promise<Reply>): Promise<Outcome> {
  try {
    const { data, error, response } = await call();
    if (data) return { ok: true, session: publish(data) };
    const retryAfter = response.status === 429 ? (retryAfterSeconds(response.headers.get("Retry-After")) ?? 60) : null;
    return { ok: false, code: errorCode(error), message: errorMessage(error), retryAfter };
  } catch (failure) {
    return { ok: false, code: null, message: errorMessage(failure), retryAfter: null };
  }
}

export function signIn(email: string, password: string): Promise<Outcome> {
  return settle(() => api.POST("/api/session", { body: { email: email.trim(), password } }));
}

/**
 * Sign in with a one-time link's secret. Once per secret and page: the link is spent by its first use,
 * so asking twice (React runs effects twice in development) would fail the second time.
 */
export function signInWithLink(token: string): Promise<Outcome> {
  let outcome = redeeming.get(token);
  if (!outcome) {
    outcome = settle(() => api.POST("/api/session/link", { body: { token } }));
    redeeming.set(token, outcome);
  }
  return outcome;
}

export async function signOut(): Promise<Outcome> {
  try {
    const { error, response } = await api.DELETE("/api/session");
    if (!response.ok) return { ok: false, code: errorCode(error), message: errorMessage(error), retryAfter: null };
  } catch (failure) {
    return { ok: false, code: null, message: errorMessage(failure), retryAfter: null };
  }
  return { ok: true, session: publish(ANONYMOUS) };
}

/** The one-time link's secret in a URL fragment (`#link=SECRET`), or null. */
export function linkSecret(hash: string): string | null {
  const secret = new URLSearchParams(hash.replace(/^#/, "")).get("link");
  return secret?.trim() || null;
}
