import type { Status } from "../chat/useChat";
import { useSecondsUntil } from "../countdown";

/** What the chat is doing, or why it failed and how to ask again. Announced politely as it changes. */
export function ChatStatus({ status, onRetry }: { status: Status; onRetry: () => void }) {
  const wait = useSecondsUntil(status.kind === "busy" ? status.retryAt : null);
  let line = "";
  let retry = false;
  if (status.kind === "thinking") line = "Thinking…";
  else if (status.kind === "busy") {
    line = wait > 0 ? `The server is busy. Retry in ${wait} s.` : "The server is busy. You can retry now.";
    retry = true;
  } else if (status.kind === "offline") {
    line = "The answer generator is offline. Try again in a little while.";
    retry = true;
  } else if (status.kind === "error") {
    line = status.message;
    retry = true;
  }
  const failed = status.kind === "busy" || status.kind === "offline" || status.kind === "error";
  return (
    <div className={`chat-status${failed ? " failed" : ""}`} data-state={status.kind}>
      <p role="status" aria-live="polite">
        {line}
      </p>
      {retry && (
        <button type="button" className="secondary" onClick={onRetry} disabled={wait > 0}>
          {wait > 0 ? `Retry in ${wait} s` : "Retry"}
        </button>
      )}
    </div>
  );
}
