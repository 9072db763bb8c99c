import { Link } from "../router";

export function NotFound() {
  return (
    <main id="main" className="page">
      <h1>Page not found</h1>
      <p>
        <Link to="/">Back to the decks</Link>
      </p>
    </main>
  );
}
