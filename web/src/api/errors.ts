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
