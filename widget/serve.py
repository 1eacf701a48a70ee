"""Serves the demo lender page and the built widget on loopback.

    python widget/serve.py --port 8080 --rasa-url http://localhost:5005

/            site/index.html, the fictional lender's page (?lang=en|zh)
/config.js   where the assistant is (from --rasa-url), read by the page
/dist/...    the widget bundle and fonts built by `npm run build`

A real lender hosts its own site and serves `dist/` and `site/borrower-help.js`
from its own static hosting (README "Embedding the widget"). The Content
Security Policy lets the page talk to the assistant and to nothing else, so a
widget that tried to load anything from the internet would fail loudly here.
"""
import argparse
import functools
import json
import pathlib
import sys
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HERE = pathlib.Path(__file__).resolve().parent
SITE, DIST = HERE / "site", HERE / "dist"


def websocket_origin(rasa_url: str) -> str:
    parts = urlsplit(rasa_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}"


def content_security_policy(rasa_url: str) -> str:
    return "; ".join([
        "default-src 'self'",
        f"connect-src 'self' {rasa_url} {websocket_origin(rasa_url)}",
        # the widget bundle injects its styles as <style> tags
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "frame-ancestors 'none'",
    ])


class PageHandler(SimpleHTTPRequestHandler):
    rasa_url = "http://localhost:5005"

    def translate_path(self, path: str) -> str:
        route = urlsplit(path).path
        if route.startswith("/dist/"):
            return str(DIST / route[len("/dist/"):])
        return str(SITE / route.lstrip("/"))

    def do_GET(self) -> None:
        if urlsplit(self.path).path == "/config.js":
            body = f"window.BORROWER_HELP_SERVER = {json.dumps(self.rasa_url)};\n".encode()
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/javascript; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", content_security_policy(self.rasa_url))
        super().end_headers()

    def log_message(self, format: str, *args) -> None:
        sys.stderr.write(f"page {self.address_string()} {format % args}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--rasa-url", default="http://localhost:5005")
    args = parser.parse_args()
    if not (DIST / "webchat.js").exists():
        sys.exit("widget/dist/webchat.js is missing: run `make widget` (npm ci && npm run build).")
    handler = functools.partial(PageHandler, directory=str(SITE))
    PageHandler.rasa_url = args.rasa_url.rstrip("/")
    server = ThreadingHTTPServer((args.host, args.port), handler)
    print(f"Lender demo page: http://{args.host}:{args.port}/?lang=en  (or ?lang=zh)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
