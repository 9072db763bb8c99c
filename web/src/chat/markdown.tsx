/**
 * The small part of Markdown that answers use, turned into React elements. Nothing here produces raw
 * HTML: text reaches the DOM only as React text nodes, so "<script>" in an answer shows as text.
 */
import type { ReactNode } from "react";

type Block =
  | { kind: "paragraph"; lines: string[] }
  | { kind: "list"; ordered: boolean; items: string[] }
  | { kind: "code"; text: string };

const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*\d{1,9}[.)]\s+(.*)$/;
const FENCE = /^\s*```/;

export function parseBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const last = blocks[blocks.length - 1];
    if (FENCE.test(line)) {
      const body: string[] = [];
      while (++i < lines.length && !FENCE.test(lines[i] ?? "")) body.push(lines[i] ?? "");
      blocks.push({ kind: "code", text: body.join("\n") });
      continue;
    }
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    const item = bullet ?? numbered;
    if (item) {
      const ordered = numbered !== null;
      if (last?.kind === "list" && last.ordered === ordered) last.items.push(item[1] ?? "");
      else blocks.push({ kind: "list", ordered, items: [item[1] ?? ""] });
    } else if (line.trim() === "") {
      blocks.push({ kind: "paragraph", lines: [] }); // a break: the next line starts a new block
    } else if (last?.kind === "paragraph") {
      last.lines.push(line.trim());
    } else {
      blocks.push({ kind: "paragraph", lines: [line.trim()] });
    }
  }
  return blocks.filter((block) => block.kind !== "paragraph" || block.lines.length > 0);
}

// Earliest first: `code`, **bold**, *em* or _em_, [text](url), a bare http(s) URL.
const INLINE =
  /`([^`]+)`|\*\*(.+?)\*\*|\*([^\s*](?:[^*]*[^\s*])?)\*|(?<![\w])_([^\s_](?:[^_]*[^\s_])?)_(?![\w])|\[([^\]]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]'])/g;

/** An http(s) URL as a string, or null for anything else (javascript:, data:, relative paths). */
export function safeHref(href: string): string | null {
  try {
    const url = new URL(href);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

function link(href: string, label: ReactNode, key: string): ReactNode {
  const safe = safeHref(href);
  if (!safe) return <span key={key}>{label}</span>;
  return (
    <a key={key} href={safe} rel="noopener noreferrer" target="_blank">
      {label}
    </a>
  );
}

export function inline(text: string, key = "i"): ReactNode[] {
  const out: ReactNode[] = [];
  let at = 0;
  const matches = [...text.matchAll(INLINE)];
  matches.forEach((match, n) => {
    const k = `${key}.${n}`;
    if (match.index > at) out.push(text.slice(at, match.index));
    const [whole, code, bold, star, under, label, href, bare] = match;
    if (code !== undefined) out.push(<code key={k}>{code}</code>);
    else if (bold !== undefined) out.push(<strong key={k}>{inline(bold, k)}</strong>);
    else if (star !== undefined || under !== undefined) {
      out.push(<em key={k}>{inline(star ?? under ?? "", k)}</em>);
    } else if (label !== undefined && href !== undefined) out.push(link(href, inline(label, k), k));
    else if (bare !== undefined) out.push(link(bare, bare, k));
    else out.push(whole);
    at = match.index + whole.length;
  });
  if (at < text.length) out.push(text.slice(at));
  return out;
}

/** A paragraph's lines, with the line breaks kept: answers use them for quoted lines and figures. */
function withBreaks(lines: string[], key: string): ReactNode[] {
  return lines.flatMap((line, n) => {
    const parts = inline(line, `${key}.${n}`);
    return n === 0 ? parts : [<br key={`${key}.br${n}`} />, ...parts];
  });
}

export function Markdown({ text }: { text: string }) {
  return (
    <>
      {parseBlocks(text).map((block, n) => {
        const key = `b${n}`;
        if (block.kind === "code") {
          return (
            <pre key={key}>
              <code>{block.text}</code>
            </pre>
          );
        }
        if (block.kind === "list") {
          const items = block.items.map((item, i) => <li key={i}>{inline(item, `${key}.${i}`)}</li>);
          return block.ordered ? <ol key={key}>{items}</ol> : <ul key={key}>{items}</ul>;
        }
        return <p key={key}>{withBreaks(block.lines, key)}</p>;
      })}
    </>
  );
}
