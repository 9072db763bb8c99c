import { describe, expect, it } from "vitest";
import { EMPTY, loadConversation, saveConversation, type Conversation } from "./conversation";

class MemoryStorage implements Storage {
  private items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

const conversation: Conversation = {
  id: "c1",
  turns: [
    { role: "user", text: "What is a Series?", slide: 2 },
    {
      role: "assistant",
      text: "An array.",
      citations: [{ slide: 2, quote: "array", regions: [] }],
      refused: false,
      stopped: false,
    },
  ],
};

describe("conversation storage", () => {
  it("round-trips one deck's conversation, apart from other decks", () => {
    const storage = new MemoryStorage();
    saveConversation("deck-a", conversation, storage);
    expect(loadConversation("deck-a", storage)).toEqual(conversation);
    expect(loadConversation("deck-b", storage)).toEqual(EMPTY);
  });

  it("drops what it cannot read", () => {
    const storage = new MemoryStorage();
    for (const bad of [
      "{not json",
      "[]",
      '{"id": 3, "turns": []}',
      '{"id": null, "turns": [{"role": "x"}]}',
    ]) {
      storage.setItem("deckchat:chat:d", bad);
      expect(loadConversation("d", storage)).toEqual(EMPTY);
    }
  });

  it("keeps working when storage refuses to save", () => {
    const full = new MemoryStorage();
    full.setItem = () => {
      throw new DOMException("full", "QuotaExceededError");
    };
    expect(() => saveConversation("d", conversation, full)).not.toThrow();
  });
});
