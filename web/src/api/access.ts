/**
 * Why a deck turned a viewer away: a password to enter, an expired link, or no such deck (a private
 * deck looks missing to everyone but its owner). Any call about a deck may be the one that learns it
 * (the slides, the chat, a view), so the API client reports it here and the viewer listens.
 */
import type { Middleware } from "openapi-fetch";
import { errorCode } from "./errors";

export type Blocked = "password" | "expired" | "missing";

export function blockedBy(status: number | null, body: unknown): Blocked | null {
  const code = errorCode(body);
  if (status === 401 && code === "password_required") return "password";
  if (status === 410 && code === "deck_expired") return "expired";
  if (status === 404 && (code === "deck_not_found" || code === "not_found")) return "missing";
  return null;
}

type Listener = (ref: string, blocked: Blocked) => void;
const listeners = new Set<Listener>();

/** Hear of every deck call turned away by a password or an expiry; returns the unsubscribe function. */
export function onBlocked(listener: Listener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export const watchAccess: Middleware = {
  async onResponse({ response, schemaPath, params }) {
    if ((response.status !== 401 && response.status !== 410) || !schemaPath.startsWith("/api/decks/{ref}")) {
      return undefined;
    }
    const ref = params.path?.ref;
    const body: unknown = await response
      .clone()
      .json()
      .catch(() => null);
    const blocked = blockedBy(response.status, body);
    if (typeof ref === "string" && blocked) listeners.forEach((listener) => listener(ref, blocked));
    return undefined;
  },
};
