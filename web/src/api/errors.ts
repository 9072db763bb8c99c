/** Readable messages from the API's `{"error": {"code", "message"}}` bodies and from failed requests. */

const FALLBACK = "Something went wrong. Please try again.";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

export function errorMessage(error: unknown, fallback = FALLBACK): string {
  if (typeof error === "string" && error.trim()) return error.trim();
  if (error instanceof Error) {
    return error.name === "TypeError" ? "Could not reach the server. Check your connection." : error.message;
  }
  if (!isRecord(error)) return fallback;
  const inner = error.error;
  if (isRecord(inner) && typeof inner.message === "string" && inner.message.trim()) {
    return inner.message.trim();
  }
  if (typeof error.message === "string" && error.message.trim()) return error.message.trim();
  return fallback;
}

/** The `code` of an API error body, or null. */
export function errorCode(body: unknown): string | null {
  if (!isRecord(body) || !isRecord(body.error)) return null;
  return typeof body.error.code === "string" ? body.error.code : null;
}

/** Retry-After as seconds: either a number of seconds or an HTTP date. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}
