/** One deck's conversation: ask, stream the answer in, stop it, retry a failed ask. */
import { useCallback, useEffect, useRef, useState } from "react";
import { AskFailed, isAbort, streamAnswer, type Failure, type Question } from "./ask";
import { loadConversation, saveConversation, type Conversation, type Turn } from "./conversation";

/** What to ask again after a failure: the question and the slide it was about. */
export type Ask = { text: string; slide: number | null; viewing: number | null };

export type Status =
  | { kind: "idle" }
  | { kind: "thinking" }
  | { kind: "streaming" }
  | { kind: "busy"; retryAt: number; ask: Ask }
  | { kind: "offline"; ask: Ask }
  | { kind: "error"; message: string; ask: Ask };

export type Asker = typeof streamAnswer;

function failed(failure: Failure, ask: Ask): Status {
  if (failure.kind === "busy") return { kind: "busy", retryAt: Date.now() + failure.retryAfter * 1000, ask };
  if (failure.kind === "offline") return { kind: "offline", ask };
  return { kind: "error", message: failure.message, ask };
}

const append = (turn: Turn) => (c: Conversation) => ({ ...c, turns: [...c.turns, turn] });

export function useChat(deckId: string, asker: Asker = streamAnswer) {
  const [conversation, setConversation] = useState(() => loadConversation(deckId));
  const [draft, setDraft] = useState("");
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  const running = useRef<AbortController | null>(null);
  const conversationId = useRef(conversation.id);

  useEffect(() => saveConversation(deckId, conversation), [deckId, conversation]);
  useEffect(() => () => running.current?.abort(), []);

  /**
   * `slide` is set when the question is about one slide (it is shown with the question); `viewing` is
   * the slide in view, which the server favours when it searches.
   */
  const send = useCallback(
    async (ask: Ask) => {
      const text = ask.text.trim();
      if (running.current || !text) return;
      const controller = new AbortController();
      running.current = controller;
      setConversation(append({ role: "user", text, slide: ask.slide }));
      setDraft("");
      setStatus({ kind: "thinking" });
      let streamed = "";
      const question: Question = { question: text, conversation_id: conversationId.current };
      const slide = ask.slide ?? ask.viewing;
      if (slide !== null) question.slide = slide;
      try {
        const answer = await asker(deckId, question, {
          signal: controller.signal,
          onToken: (token) => {
            streamed += token;
            setDraft(streamed);
            setStatus({ kind: "streaming" });
          },
        });
        conversationId.current = answer.conversation_id;
        setConversation((c) => ({
          id: answer.conversation_id,
          turns: [
            ...c.turns,
            {
              role: "assistant",
              text: answer.answer,
              citations: answer.citations,
              refused: answer.refused,
              stopped: false,
            },
          ],
        }));
        setStatus({ kind: "idle" });
      } catch (error) {
        if (running.current !== controller) return; // cleared meanwhile: nothing to add
        if (isAbort(error)) {
          setConversation(
            append({ role: "assistant", text: streamed, citations: [], refused: false, stopped: true }),
          );
          setStatus({ kind: "idle" });
        } else {
          // The question comes out of the log and waits in the status line, with a way to ask it again.
          setConversation((c) => ({ ...c, turns: c.turns.slice(0, -1) }));
          const failure = error instanceof AskFailed ? error.failure : { kind: "offline" as const };
          setStatus(failed(failure, { ...ask, text }));
        }
      } finally {
        if (running.current === controller) running.current = null;
        setDraft("");
      }
    },
    [deckId, asker],
  );

  const stop = useCallback(() => running.current?.abort(), []);

  const retry = useCallback(() => {
    if (status.kind === "busy" || status.kind === "offline" || status.kind === "error") void send(status.ask);
  }, [status, send]);

  const clear = useCallback(() => {
    const controller = running.current;
    running.current = null;
    controller?.abort();
    conversationId.current = null;
    setConversation({ id: null, turns: [] });
    setStatus({ kind: "idle" });
  }, []);

  const pending = status.kind === "thinking" || status.kind === "streaming";
  return { turns: conversation.turns, draft, status, pending, send, stop, retry, clear };
}
