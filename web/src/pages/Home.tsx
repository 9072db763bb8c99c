import { useCallback, useEffect, useState } from "react";
import { api, load, type Deck, type Failed } from "../api/client";
import { refreshSession, useSession, type User } from "../api/session";
import { DeckList } from "../components/DeckList";
import { UploadForm } from "../components/UploadForm";
import { replaceDeck } from "../decks";
import { Link, navigate, ownerPath } from "../router";

function useDecks() {
  const [decks, setDecks] = useState<Deck[]>();
  const [error, setError] = useState<string>();
  const reload = useCallback(() => {
    const show = (data: { decks: Deck[] }) => {
      setDecks(data.decks);
      setError(undefined);
    };
    const refused = (message: string, failed: Failed) => {
      // The session ended on the server (signed out elsewhere, expired): ask again, which signs out here.
      if (failed.status === 401) void refreshSession();
      else setError(message);
    };
    return load(() => api.GET("/api/decks"), show, refused);
  }, []);
  const update = useCallback((deck: Deck) => setDecks((decks) => replaceDeck(decks, deck)), []);
  const remove = useCallback(
    (id: string) => setDecks((decks) => decks?.filter((deck) => deck.id !== id)),
    [],
  );
  useEffect(reload, [reload]);
  return { decks, error, reload, update, remove };
}

/** The presenter's dashboard, for the signed-in; anyone else is sent to sign in. */
export function Home() {
  const session = useSession();
  const anonymous = session?.user === null;
  useEffect(() => {
    if (anonymous) navigate("/signin", { replace: true });
  }, [anonymous]);
  if (!session?.user) {
    return (
      <main id="main" className="page">
        <p className="muted">Loading…</p>
      </main>
    );
  }
  return <Dashboard key={session.user.id} user={session.user} />;
}

/** Upload, then each deck with its sharing, settings and analytics. */
function Dashboard({ user }: { user: User }) {
  const { decks, error, reload, update, remove } = useDecks();
  useEffect(() => {
    document.title = "Your decks · deckchat";
  }, []);
  return (
    <main id="main" className="page dashboard">
      <h1>Your decks</h1>
      <p className="muted">
        Public decks are listed on your page, <Link to={ownerPath(user.handle)}>{ownerPath(user.handle)}</Link>.
      </p>
      <UploadForm decks={decks} onUploaded={reload} />
      <h2 className="list-heading">Decks</h2>
      <DeckList decks={decks} error={error} onUpdate={update} onDeleted={remove} />
    </main>
  );
}
