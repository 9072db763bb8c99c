"""Write the app's OpenAPI schema as sorted, indented JSON (default: web/openapi.json).

The web client is generated from this file (`npm --prefix web run gen`), and `npm --prefix web run check`
fails when it is stale. Usage: openapi.py [OUTPUT]  (OUTPUT "-" prints to stdout).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "web" / "openapi.json"


def schema_json() -> str:
    """The schema of an app built on a throwaway home, not bootstrapped (the schema needs no folders or
    key) and whose lifespan never runs, so nothing is created."""
    from deckchat.api.app import create_app
    from deckchat.bootstrap import Runtime
    from deckchat.settings import Settings

    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home), _env_file=None)  # type: ignore[call-arg]
        schema = create_app(Runtime(settings, signing_key=b"")).openapi()
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    output = argv[0] if argv else str(DEFAULT_OUTPUT)
    text = schema_json()
    if output == "-":
        sys.stdout.write(text)
    else:
        Path(output).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
