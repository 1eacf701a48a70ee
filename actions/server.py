"""The action server: rasa-sdk's app, on loopback unless told otherwise, and
answering only the Rasa server, which proves itself with the action token
(borrower_help.keys.ACTION_TOKEN, sent as a header set in endpoints.yml).

    python -m actions.server --port 5055 [--host 127.0.0.1]

Started by the launcher (python -m borrower_help.launcher). Stock
`rasa run actions` would listen on every interface and run any action for
anyone: forge tickets, ratings, comments.
"""
import argparse
import hmac
import logging
from typing import Optional

from rasa_sdk.endpoint import create_app
from sanic import response
from sanic.request import Request

from borrower_help import log_masking
from borrower_help.keys import ACTION_TOKEN, ACTION_TOKEN_HEADER

logger = logging.getLogger("actions.server")
OPEN_PATHS = ("/health",)


def build_app(token: str):
    app = create_app("actions", cors_origins=None)

    @app.on_request
    async def require_token(request: Request) -> Optional[response.HTTPResponse]:
        if request.path in OPEN_PATHS:
            return None
        given = request.headers.get(ACTION_TOKEN_HEADER, "")
        if not hmac.compare_digest(given.encode(), token.encode()):
            return response.json({"error": "not authorised"}, status=401)
        return None

    async def without_echo(request: Request, exception: Exception) -> response.HTTPResponse:
        # rasa-sdk's own handler sends the request body back and logs it.
        logger.exception("Action failed: %s", type(exception).__name__, exc_info=exception)
        return response.json({"error": "the action failed; see the action server's log"}, status=500)

    app.error_handler.add(Exception, without_echo)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="Borrower Help's action server.")
    parser.add_argument("--host", default="127.0.0.1", help="interface (default loopback)")
    parser.add_argument("--port", type=int, default=5055)
    args = parser.parse_args()
    log_masking.install()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-7s %(name)s - %(message)s")
    logging.getLogger("sanic.access").setLevel(logging.WARNING)
    app = build_app(ACTION_TOKEN.value())
    logger.info("Action server on http://%s:%d", args.host, args.port)
    app.run(host=args.host, port=args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
