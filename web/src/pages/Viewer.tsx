import { useCallback, useEffect, useState } from "react";
import { blockedBy, onBlocked, type Blocked } from "../api/access";
import { api, isPending, load, type Deck, type Failed, type Slide } from "../api/client";
import { watchProgress } from "../api/progress";
import { useSession } from "../api/session";
import { DeckView } from "../components/DeckView";
import { progressText } from "../decks";
import { Link } from "../router";
import { PasswordGate } from "../viewer/PasswordGate";

/** Why the deck is not shown, and whether the first ask for it said so (not a later slide or chat call). */
type Refusal = { why: Blocked; atLoad: boolean };

/** The deck (followed live while it is processing) and, once it is ready, its slides. */
function useDeck(slug: string) {
  const [deck, setDeck] = useState<Deck>();
  const [slides, setSlides] = useState<Slide[]>();
  const [error, setError] = useState<string>();
  const [refusal, setRefusal] = useState<Refusal>();
  const pending = deck ? isPending(deck) : false;
  const ready = deck?.status === "ready";
  const deckId = deck?.id;

  /** A failed call: a refusal (password, expiry, missing) changes the page; anything else is a sentence. */
  const refused = (atLoad: boolean) => (message: string, failed: Failed) => {
    const why = blockedBy(failed.status, failed.body);
    if (why) setRefusal({ why, atLoad });
    else setError(message);
  };

  useEffect(
    () => load(() => api.GET("/api/decks/{ref}", { params: { path: { ref: slug } } }), setDeck, refused(true)),
    [slug],
  );
  // Follow a deck that is still processing; its slides load once it turns ready.
  useEffect(() => (deck && pending ? watchProgress(deck.id, setDeck) : undefined), [deck?.id, pending]);
  useEffect(() => {
    if (!ready) return;
    const slides = () => api.GET("/api/decks/{ref}/slides", { params: { path: { ref: slug } } });
    return load(slides, (data) => setSlides(data.slides), refused(false));
  }, [slug, ready]);
  // The chat or a view count may be the first to hear that the password changed or the link expired.
  useEffect(
    () =>
      onBlocked((ref, why) => {
        if (ref === slug || ref === deckId) setRefusal((known) => known ?? { why, atLoad: false });
      }),
    [slug, deckId],
  );

  return { deck, slides, error, refusal };
}

type Props = { slug: string; requested: number | null; quote: string | null; embed: boolean };

/** Fire and forget: a view that fails to count is not worth troubling the viewer about. */
function recordView(ref: string, slide: number) {
  api.POST("/api/decks/{ref}/views", { params: { path: { ref } }, body: { slide } }).catch(() => undefined);
}

/** The deck page; after a password is entered it starts afresh, with the unlock's cookie. */
export function Viewer(props: Props) {
  const [unlocks, setUnlocks] = useState(0);
  const unlocked = useCallback(() => setUnlocks((n) => n + 1), []);
  return <DeckPage key={unlocks} {...props} unlocked={unlocks > 0} onUnlocked={unlocked} />;
}

type PageProps = Props & { unlocked: boolean; onUnlocked: () => void };

function DeckPage({ slug, requested, quote, embed, unlocked, onUnlocked }: PageProps) {
  const { deck, slides, error, refusal } = useDeck(slug);
  const deckId = deck?.id;
  const onView = useCallback((slide: number) => deckId && recordView(deckId, slide), [deckId]);
  if (refusal?.why === "password") {
    return (
      <PasswordGate
        slug={slug}
        embed={embed}
        onUnlocked={onUnlocked}
        forgotten={unlocked && refusal.atLoad}
      />
    );
  }
  if (refusal) return <Refused why={refusal.why} embed={embed} />;
  if (deck && slides) {
    return (
      <DeckView
        deck={deck}
        slides={slides}
        requested={requested}
        quote={quote}
        embed={embed}
        onView={onView}
      />
    );
  }
  return (
    <main id="main" className={embed ? "page embed" : "page"}>
      <h1>{deck?.title ?? "Deck"}</h1>
      <Message deck={deck} error={error} />
      {!embed && (
        <p>
          <Link to="/">Back to the decks</Link>
        </p>
      )}
    </main>
  );
}

const REFUSED = {
  expired: {
    title: "This link has expired",
    text: "The presenter set this deck's link to stop working. Ask them for a new one.",
  },
  missing: {
    title: "No such deck (or it is private)",
    text: "Check the link. A private deck opens only for its presenter, signed in.",
  },
};

/** An expired link, or a deck that is not there for this viewer (missing and private look the same). */
function Refused({ why, embed }: { why: Exclude<Blocked, "password">; embed: boolean }) {
  const { title, text } = REFUSED[why];
  const anonymous = useSession()?.user === null;
  useEffect(() => {
    document.title = `${title} · deckchat`;
  }, [title]);
  return (
    <main id="main" className={embed ? "page embed" : "page"}>
      <h1>{title}</h1>
      <p>{text}</p>
      {!embed && why === "missing" && anonymous && (
        <p>
          <Link to="/signin">Sign in</Link>
        </p>
      )}
    </main>
  );
}

function Message({ deck, error }: { deck: Deck | undefined; error: string | undefined }) {
  if (error) {
    return (
      <p role="alert" className="error">
        {error}
      </p>
    );
  }
  if (deck?.status === "failed") {
    return (
      <p role="alert" className="error">
        {deck.error?.message ?? "This deck could not be processed."}
      </p>
    );
  }
  if (deck && isPending(deck)) return <p role="status">This deck is being prepared: {progressText(deck)}</p>;
  return <p className="muted">Loading…</p>;
}
