import { useState } from "react";
import { signOut, useSession } from "../api/session";
import { Link, navigate, ownerPath } from "../router";

/** The header's corner: who is signed in, their public page and "Sign out"; or a way to sign in. */
export function SessionMenu({ onSignInPage }: { onSignInPage: boolean }) {
  const session = useSession();
  const [problem, setProblem] = useState<string>();
  if (!session) return null;
  const { user } = session;
  if (!user) return onSignInPage ? null : <Link to="/signin">Sign in</Link>;

  const leave = async () => {
    const outcome = await signOut();
    if (outcome.ok) navigate("/signin");
    else setProblem(outcome.message);
  };
  return (
    <div className="session-menu">
      <span className="owner" aria-label={`Signed in as ${user.email}`}>
        {user.email}
      </span>
      <Link to={ownerPath(user.handle)}>Your page</Link>
      <button type="button" className="secondary" onClick={() => void leave()}>
        Sign out
      </button>
      {problem && (
        <span role="alert" className="error">
          {problem}
        </span>
      )}
    </div>
  );
}
