import { useEffect, useState, type FormEvent } from "react";
import { linkSecret, signIn, signInWithLink, useSession, type Outcome } from "../api/session";
import { useSecondsUntil } from "../countdown";
import { navigate } from "../router";

type Problem = { message: string; retryAt: number | null };

const problemOf = (outcome: Extract<Outcome, { ok: false }>): Problem => ({
  message: outcome.message,
  retryAt: outcome.retryAfter === null ? null : Date.now() + outcome.retryAfter * 1000,
});

/**
 * The one-time link (`/signin#link=SECRET`, as `deckchat user link` prints it): read once from the URL,
 * which then loses the secret (history.replaceState) so it is neither kept in history nor shown.
 * Returns whether it is being redeemed; a link that fails is reported through `onProblem`.
 */
function useLinkSignIn(onProblem: (problem: Problem) => void): boolean {
  const [secret] = useState(() => linkSecret(window.location.hash));
  const [redeeming, setRedeeming] = useState(Boolean(secret));
  useEffect(() => {
    if (!secret) return;
    let live = true;
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
    void signInWithLink(secret).then((outcome) => {
      if (!live) return;
      if (outcome.ok) return navigate("/", { replace: true });
      setRedeeming(false);
      onProblem(problemOf(outcome));
    });
    return () => {
      live = false;
    };
  }, [secret, onProblem]);
  return redeeming;
}

/** Sign in with e-mail and password, or by a one-time link; then on to the dashboard. */
export function SignIn() {
  const session = useSession();
  const [problem, setProblem] = useState<Problem | null>(null);
  const redeeming = useLinkSignIn(setProblem);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const wait = useSecondsUntil(problem?.retryAt ?? null);

  useEffect(() => {
    document.title = "Sign in · deckchat";
  }, []);
  const signedIn = Boolean(session?.user);
  useEffect(() => {
    if (signedIn && !redeeming && !busy) navigate("/", { replace: true });
  }, [signedIn, redeeming, busy]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    const outcome = await signIn(email, password);
    setBusy(false);
    if (outcome.ok) return navigate("/", { replace: true });
    setProblem(problemOf(outcome));
    if (outcome.retryAfter === null) setPassword("");
  }

  return (
    <main id="main" className="page signin">
      <h1>Sign in</h1>
      {redeeming ? (
        <p role="status">Signing you in with your link…</p>
      ) : (
        <form className="stack" onSubmit={submit}>
          <label htmlFor="signin-email">E-mail</label>
          <input
            id="signin-email"
            type="email"
            autoComplete="username"
            required
            maxLength={320}
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
          <label htmlFor="signin-password">Password</label>
          <input
            id="signin-password"
            type="password"
            autoComplete="current-password"
            required
            maxLength={1000}
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
          <button type="submit" disabled={busy || wait > 0}>
            {busy ? "Signing in…" : wait > 0 ? `Sign in (wait ${wait} s)` : "Sign in"}
          </button>
        </form>
      )}
      {problem && (
        <p role="alert" className="error">
          {problem.retryAt === null
            ? problem.message
            : wait > 0
              ? `Too many attempts. Try again in ${wait} s.`
              : "You can try again now."}
        </p>
      )}
      <p className="muted">
        No password? The server's operator can give you a one-time sign-in link:{" "}
        <code>deckchat user link EMAIL</code>.
      </p>
    </main>
  );
}
