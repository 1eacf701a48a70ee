"""Serves the demo lender page and the built widget on loopback.

    python widget/serve.py --port 8080 --rasa-url http://127.0.0.1:5005

/            site/index.html, the fictional lender's page (?lang=en|zh)
/config.js   where the assistant is (from --rasa-url), read by the page
/dist/...    the widget bundle and fonts built by `npm run build`

Only regular files inside those two folders are served: a path with `..`,
an encoded slash or dot, a backslash, a NUL, a symlink that leads outside,
or anything that is not a regular file gets 404, whatever the spelling. A
real lender hosts its own site and serves `dist/` and `site/borrower-help.*`
from its own static hosting (README "Embedding the widget"). The Content
Security Policy lets the page talk to the assistant and to nothing else.
"""
import argparse
import json
import mimetypes
import os
import pathlib
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional
from urllib.parse import unquote, urlsplit

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from borrower_help.privacy import mask  # noqa: E402  (every log line masked)

SITE, DIST = HERE / "site", HERE / "dist"
# Anything that spells a way out of the folder, raw or percent-encoded.
_FORBIDDEN = ("..", "\\", "\x00", "%2e", "%2f", "%5c", "%00", "//")


def websocket_origin(rasa_url: str) -> str:
    parts = urlsplit(rasa_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}"


def content_security_policy(rasa_url: str) -> str:
    return "; ".join([
        "default-src 'self'",
        # No inline script anywhere: a `javascript:` link cannot run either.
        "script-src 'self'",
        f"connect-src 'self' {rasa_url} {websocket_origin(rasa_url)}",
        # the widget bundle injects its styles as <style> tags
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ])


def resolve(raw_path: str) -> Optional[pathlib.Path]:
    """The file a request path names, or None when it is not one we serve."""
    path = urlsplit(raw_path).path
    lowered = path.lower()
    if any(bad in lowered for bad in _FORBIDDEN) or not path.startswith("/"):
        return None
    decoded = unquote(path)
    if any(bad in decoded for bad in ("..", "\\", "\x00", "//")):
        return None
    if decoded.startswith("/dist/"):
        folder, inside = DIST, decoded[len("/dist/"):]
    else:
        folder, inside = SITE, decoded.lstrip("/") or "index.html"
    candidate = folder / inside
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if folder.resolve() not in real.parents or not real.is_file():
        return None  # a symlink out of the folder, a folder, a device...
    return real


class PageHandler(BaseHTTPRequestHandler):
    rasa_url = "http://127.0.0.1:5005"
    server_version = "BorrowerHelpDemo"
    sys_version = ""

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def _serve(self, head: bool) -> None:
        if urlsplit(self.path).path == "/config.js":
            body = f"window.BORROWER_HELP_SERVER = {json.dumps(self.rasa_url)};\n".encode()
            return self._send(HTTPStatus.OK, body, "text/javascript; charset=utf-8", head)
        found = resolve(self.path)
        if found is None:
            return self._send(HTTPStatus.NOT_FOUND, b"Not found\n", "text/plain; charset=utf-8", head)
        kind = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind == "application/javascript":
            kind += "; charset=utf-8"
        self._send(HTTPStatus.OK, found.read_bytes(), kind, head)

    def _send(self, status: HTTPStatus, body: bytes, kind: str, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Content-Security-Policy", content_security_policy(self.rasa_url))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        sys.stderr.write(mask(f"page {self.address_string()} {format % args}") + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--rasa-url", default="http://127.0.0.1:5005")
    args = parser.parse_args()
    if not (DIST / "webchat.js").exists():
        sys.exit("widget/dist/webchat.js is missing: run `make widget` (npm ci && npm run build).")
    os.umask(0o077)
    PageHandler.rasa_url = args.rasa_url.rstrip("/")
    server = ThreadingHTTPServer((args.host, args.port), PageHandler)
    print(f"Lender demo page: http://{args.host}:{args.port}/?lang=en  (or ?lang=zh)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
