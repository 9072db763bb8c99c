import { Home } from "./pages/Home";
import { NotFound } from "./pages/NotFound";
import { Viewer } from "./pages/Viewer";
import { Link, useRoute } from "./router";

export function App() {
  const route = useRoute();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <Link to="/" className="brand">
          deckchat
        </Link>
      </header>
      {route.page === "home" && <Home />}
      {route.page === "deck" && <Viewer key={route.slug} slug={route.slug} requested={route.slide} />}
      {route.page === "missing" && <NotFound />}
    </>
  );
}
