import { useEffect, useState, type FormEvent } from "react";
import { api } from "../api/client";
import { errorCode, errorMessage, retryAfterSeconds } from "../api/errors";
import { useSecondsUntil } from "../countdown";

type Props = {
  slug: string;
  embed: boolean;
  /** The unlock went through (or the deck changed meanwhile): load the deck again. */
  onUnlocked: () => void;
  /** The deck was unlocked before and still asks: the browser did not keep the unlock. */
  forgotten: boolean;
};

type Problem = { message: string } | { retryAt: number };

const WRONG = "That is not the deck's password.";

/** A password-protected deck's form: POST /unlock, which remembers it for this browser session. */
export function PasswordGate({ slug, embed, onUnlocked, forgotten }: Props) {
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const wait = useSecondsUntil(problem && "retryAt" in problem ? problem.retryAt : null);
  useEffect(() => {
    document.title = "Password needed · deckchat";
  }, []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!password || wait > 0) return;
    setBusy(true);
    setProblem(null);
    try {
      const { error, response } = await api.POST("/api/decks/{ref}/unlock", {
        params: { path: { ref: slug } },
        body: { password },
      });
      if (response.ok || response.status === 404 || response.status === 410) return onUnlocked();
      if (response.status === 429) {
        const seconds = retryAfterSeconds(response.headers.get("Retry-After")) ?? 60;
        setProblem({ retryAt: Date.now() + seconds * 1000 });
      } else {
        setProblem({ message: errorCode(error) === "wrong_password" ? WRONG : errorMessage(error) });
        setPassword("");
      }
    } catch (failure) {
      setProblem({ message: errorMessage(failure) });
    } finally {
      setBusy(false);
    }
  }

  const message =
    problem === null
      ? null
      : "message" in problem
        ? problem.message
        : wait > 0
          ? `Too many attempts. Try again in ${wait} s.`
          : "You can try again now.";
  return (
    <main id="main" className={embed ? "page embed gate" : "page gate"}>
      <form className="stack" onSubmit={submit} aria-labelledby="gate-heading">
        <h1 id="gate-heading">This deck is protected by a password</h1>
        <p className="muted">Enter the password the presenter gave you. This browser remembers it until you close it.</p>
        <label htmlFor="gate-password">Password</label>
        <input
          id="gate-password"
          type="password"
          autoComplete="current-password"
          autoFocus
          required
          maxLength={1000}
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <button type="submit" disabled={busy || wait > 0}>
          {busy ? "Checking…" : "Open the deck"}
        </button>
        {message && (
          <p role="alert" className="error">
            {message}
          </p>
        )}
        {forgotten && !message && (
          <p role="alert" className="error">
            The password was right, but this browser did not keep it (cookies may be blocked here).{" "}
            <a href={`/d/${encodeURIComponent(slug)}`} target="_blank" rel="noopener">
              Open the deck in a new tab
            </a>
            .
          </p>
        )}
      </form>
    </main>
  );
}
