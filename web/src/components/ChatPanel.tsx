import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import type { Deck, Slide } from "../api/client";
import type { Citation } from "../chat/ask";
import { Markdown } from "../chat/markdown";
import { useChat, type Asker } from "../chat/useChat";
import { ChatStatus } from "./ChatStatus";
import { ChatTurn } from "./ChatTurn";

type Props = {
  deck: Deck;
  slides: Slide[];
  current: number;
  onCite: (citation: Citation) => void;
  /** Only matters on narrow screens, where the panel is a drawer. */
  open: boolean;
  onClose: () => void;
  asker?: Asker;
};

export const THIS_SLIDE_QUESTION = "What is on this slide?";

/** The chat beside the deck: a column on wide screens, a drawer on phones (see styles.css). */
export function ChatPanel({ deck, slides, current, onCite, open, onClose, asker }: Props) {
  const chat = useChat(deck.id, asker);
  const [text, setText] = useState("");
  const input = useRef<HTMLTextAreaElement>(null);
  const log = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (open) input.current?.focus();
  }, [open]);
  useEffect(() => {
    // Follow the answer as it grows, inside the log only.
    const box = log.current;
    if (box) box.scrollTop = box.scrollHeight;
  }, [chat.turns.length, chat.draft]);

  const ask = (question: string, slide: number | null = null) => {
    void chat.send({ text: question, slide, viewing: current });
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (chat.pending || !text.trim()) return;
    ask(text);
    setText("");
  };
  const askThisSlide = () => {
    ask(text.trim() || THIS_SLIDE_QUESTION, current);
    setText("");
  };
  const onInputKey = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // Enter sends, Shift+Enter starts a new line, as in most chat boxes.
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) submit(event);
  };

  const empty = chat.turns.length === 0 && !chat.pending;
  return (
    <aside
      id="chat"
      className="chat-panel"
      data-open={open}
      aria-labelledby="chat-title"
      onKeyDown={(event) => event.key === "Escape" && open && onClose()}
    >
      <div className="chat-head">
        <h2 id="chat-title">Ask the deck</h2>
        {chat.turns.length > 0 && (
          <button type="button" className="link-button" onClick={chat.clear}>
            New chat
          </button>
        )}
        <button type="button" className="chat-close" aria-label="Close chat" onClick={onClose}>
          ×
        </button>
      </div>
      <div
        ref={log}
        className="chat-log"
        role="log"
        aria-label="Conversation"
        aria-busy={chat.pending}
        tabIndex={0}
        data-own-keys
      >
        {empty && (
          <div className="chat-intro">
            <p className="muted">
              Answers come from the slides{deck.notes_mode === "public" ? " and notes" : ""}, with the slides
              they cite.
            </p>
            {deck.suggested_questions.length > 0 && (
              <ul className="starters" aria-label="Suggested questions">
                {deck.suggested_questions.map((question) => (
                  <li key={question}>
                    <button type="button" className="secondary" onClick={() => ask(question)}>
                      {question}
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        <ol className="turns">
          {chat.turns.map((turn, n) => (
            <ChatTurn key={n} turn={turn} slug={deck.slug} slides={slides} onCite={onCite} />
          ))}
          {chat.status.kind === "streaming" && (
            <li className="turn turn-assistant streaming">
              <div className="bubble">
                <Markdown text={chat.draft} />
              </div>
            </li>
          )}
        </ol>
      </div>
      <ChatStatus status={chat.status} onRetry={chat.retry} />
      <form className="ask" onSubmit={submit}>
        <label htmlFor="question" className="visually-hidden">
          Your question
        </label>
        <textarea
          ref={input}
          id="question"
          rows={2}
          maxLength={2000}
          placeholder="Ask a question about the deck"
          value={text}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={onInputKey}
        />
        <div className="ask-actions">
          <button type="button" className="secondary" disabled={chat.pending} onClick={askThisSlide}>
            Ask about slide {current}
          </button>
          {chat.pending ? (
            <button type="button" onClick={chat.stop}>
              Stop
            </button>
          ) : (
            <button type="submit" disabled={!text.trim()}>
              Ask
            </button>
          )}
        </div>
      </form>
    </aside>
  );
}
