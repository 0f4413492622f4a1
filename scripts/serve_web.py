"""Serve the web chat widget (web/) as static files.

Usage: python scripts/serve_web.py --port PORT --host HOST
The launcher starts it with WEB_PORT and LISTEN_HOST (launcher/settings.py, README "Settings").
"""

import argparse
import contextlib
import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

WEB_DIR = Path(__file__).resolve().parent.parent / "web"


def main() -> None:
    """Parse arguments and serve web/ until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", required=True)
    args = parser.parse_args()

    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(WEB_DIR))
    with ThreadingHTTPServer((args.host, args.port), handler) as server:
        print(f"Serving {WEB_DIR} at http://{args.host}:{args.port}/", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()


if __name__ == "__main__":
    main()
