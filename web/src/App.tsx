import { Home } from "./pages/Home";
import { NotFound } from "./pages/NotFound";
import { Viewer } from "./pages/Viewer";
import { Link, useRoute } from "./router";

export function App() {
  const route = useRoute();
  // Inside someone else's page (an <iframe>) the viewer stands alone: no site header.
  const embed = route.page === "deck" && route.embed;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      {!embed && (
        <header className="site-header">
          <Link to="/" className="brand">
            deckchat
          </Link>
          {/* Accounts come later; until then whoever runs the server owns every deck. */}
          <span className="owner" aria-label="Signed in as the local owner">
            Local owner
          </span>
        </header>
      )}
      {route.page === "home" && <Home />}
      {route.page === "deck" && (
        <Viewer key={route.slug} slug={route.slug} requested={route.slide} embed={route.embed} />
      )}
      {route.page === "missing" && <NotFound />}
    </>
  );
}
