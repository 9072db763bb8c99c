"""The HTTP API and the site, served by one FastAPI app built by ``create_app``."""
