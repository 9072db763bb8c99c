import { useSession } from "./api/session";
import { SessionMenu } from "./components/SessionMenu";
import { Home } from "./pages/Home";
import { NotFound } from "./pages/NotFound";
import { OwnerPage } from "./pages/OwnerPage";
import { SignIn } from "./pages/SignIn";
import { Viewer } from "./pages/Viewer";
import { Link, useRoute } from "./router";

export function App() {
  const route = useRoute();
  // Every page asks who is signed in, the embed too: a presenter's changes (and chat) need the CSRF token.
  useSession();
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
          <SessionMenu onSignInPage={route.page === "signin"} />
        </header>
      )}
      {route.page === "home" && <Home />}
      {route.page === "signin" && <SignIn />}
      {route.page === "owner" && <OwnerPage key={route.handle} handle={route.handle} />}
      {route.page === "deck" && (
        <Viewer
          key={route.slug}
          slug={route.slug}
          requested={route.slide}
          quote={route.quote}
          embed={route.embed}
        />
      )}
      {route.page === "missing" && <NotFound />}
    </>
  );
}
