/**
 * Who may open a deck (its visibility, password and expiry), as the presenter edits it: the choices
 * and what each means, a form's draft, and the changes to send when it is saved or uploaded.
 */
import type { Deck, DeckChanges, Visibility } from "../api/client";

export const PASSWORD_MIN = 8;

export const VISIBILITIES: { mode: Visibility; label: string; short: string; hint: string }[] = [
  {
    mode: "public",
    label: "Public",
    short: "listed on your page",
    hint: "Anyone can open it, and it is listed on your public page.",
  },
  {
    mode: "unlisted",
    label: "Unlisted",
    short: "anyone with the link",
    hint: "Anyone with the link can open it; it is listed nowhere.",
  },
  {
    mode: "private",
    label: "Private",
    short: "only you",
    hint: "Only you, signed in, can open it; to anyone else the link says “no such deck”.",
  },
  {
    mode: "password",
    label: "Password",
    short: "the link and a password",
    hint: "Anyone with the link who enters the password, once per browser session.",
  },
];

export function visibilityLabel(mode: Visibility): string {
  return VISIBILITIES.find((choice) => choice.mode === mode)?.label ?? mode;
}

/** What a sharing form holds: the mode, a new password if one is typed, and the expiry as typed. */
export type SharingDraft = {
  visibility: Visibility;
  /** A new password; only sent for the password mode, and only when one is being set. */
  password: string;
  /** Whether a new password is being set over the deck's current one. */
  changePassword: boolean;
  expiring: boolean;
  /** The expiry as a datetime-local value ("2030-01-31T18:00", local time); "" for none yet. */
  expires: string;
};

const pad = (n: number) => String(n).padStart(2, "0");

/** An ISO time as a datetime-local input's value, in this browser's time zone, to the minute. */
export function toLocalInput(iso: string): string {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return "";
  const day = `${when.getFullYear()}-${pad(when.getMonth() + 1)}-${pad(when.getDate())}`;
  return `${day}T${pad(when.getHours())}:${pad(when.getMinutes())}`;
}

/** A datetime-local value (local time) as an ISO time in UTC; null when it is not a date and time. */
export function fromLocalInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return null;
  const when = new Date(value);
  return Number.isNaN(when.getTime()) ? null : when.toISOString();
}

const WEEK_MS = 7 * 24 * 3600 * 1000;

/** Where the expiry starts when the presenter turns it on: a week from now. */
export function defaultExpiry(now = Date.now()): string {
  return toLocalInput(new Date(now + WEEK_MS).toISOString());
}

export function draftOf(deck?: Pick<Deck, "visibility" | "expires_at">): SharingDraft {
  const expires = deck?.expires_at ? toLocalInput(deck.expires_at) : "";
  return {
    visibility: deck?.visibility ?? "unlisted",
    password: "",
    changePassword: false,
    expiring: Boolean(expires),
    expires,
  };
}

/** Whether the form asks for a new password: the password mode with none set yet, or a change. */
export function needsPassword(draft: SharingDraft, hasPassword: boolean): boolean {
  return draft.visibility === "password" && (!hasPassword || draft.changePassword);
}

type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

function checkPassword(draft: SharingDraft, hasPassword: boolean): Checked<string | null> {
  if (!needsPassword(draft, hasPassword)) return { ok: true, value: null };
  if (draft.password.length < PASSWORD_MIN) {
    return { ok: false, problem: `Enter a password of at least ${PASSWORD_MIN} characters.` };
  }
  return { ok: true, value: draft.password };
}

function checkExpiry(draft: SharingDraft): Checked<string | null> {
  if (!draft.expiring) return { ok: true, value: null };
  const iso = fromLocalInput(draft.expires);
  if (!iso) return { ok: false, problem: "Choose the date and time the link stops working, or “No expiry”." };
  return { ok: true, value: iso };
}

/** What to PATCH for a saved sharing form: only what changed; a problem to show instead, if any. */
export function sharingChanges(
  deck: Pick<Deck, "visibility" | "has_password" | "expires_at">,
  draft: SharingDraft,
): Checked<DeckChanges> {
  const password = checkPassword(draft, deck.has_password);
  if (!password.ok) return password;
  const expiry = checkExpiry(draft);
  if (!expiry.ok) return expiry;
  const changes: DeckChanges = {};
  if (draft.visibility !== deck.visibility) changes.visibility = draft.visibility;
  if (password.value !== null) changes.password = password.value;
  const before = deck.expires_at ? new Date(deck.expires_at).getTime() : null;
  const after = expiry.value ? new Date(expiry.value).getTime() : null;
  // The form shows minutes: an expiry with seconds it cannot show is not a change.
  const minute = (ms: number | null) => (ms === null ? null : Math.floor(ms / 60_000));
  if (minute(before) !== minute(after)) changes.expires_at = expiry.value;
  return { ok: true, value: changes };
}

/** The multipart fields of an upload for a sharing form (the deck is new: everything is sent). */
export function uploadFields(draft: SharingDraft): Checked<Record<string, string>> {
  const password = checkPassword(draft, false);
  if (!password.ok) return password;
  const expiry = checkExpiry(draft);
  if (!expiry.ok) return expiry;
  const fields: Record<string, string> = { visibility: draft.visibility };
  if (password.value !== null) fields.password = password.value;
  if (expiry.value !== null) fields.expires_at = expiry.value;
  return { ok: true, value: fields };
}

const when = (iso: string) =>
  new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));

/** "Public", "Password · expires 31 Jan 2030, 18:00", "Unlisted · link expired". */
export function sharingSummary(deck: Pick<Deck, "visibility" | "expires_at">, now = Date.now()): string {
  const label = visibilityLabel(deck.visibility);
  if (!deck.expires_at) return label;
  const at = new Date(deck.expires_at).getTime();
  if (Number.isNaN(at)) return label;
  return at <= now ? `${label} · link expired` : `${label} · expires ${when(deck.expires_at)}`;
}
