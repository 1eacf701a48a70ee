"""A Rasa server with Borrower Help's extensions:

    python -m rasa_extensions.server --model models/borrower-help.tar.gz --port 5005

What differs from `rasa run --enable-api`:
- the patches of rasa_extensions/patches.py are installed first (and the
  server refuses to start on a Rasa version they were not written for);
- the HTTP API takes bearer tokens (JWT) signed with the API secret
  (borrower_help.keys: $RASA_JWT_SECRET or var/api-secret), never a token
  in the URL; no secret is on the command line, where `ps` shows it;
- every log line is masked (borrower_help.log_masking);
- it listens on loopback unless told otherwise;
- the whole request body is capped (SANIC_REQUEST_MAX_SIZE, default 1 MB).
Started by the launcher (python -m borrower_help.launcher).
"""
import argparse
import logging
import os
from typing import List, Optional

DEFAULT_MAX_BODY_BYTES = 1_000_000


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Borrower Help's Rasa server.")
    parser.add_argument("--model", required=True)
    parser.add_argument("--interface", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5005)
    parser.add_argument("--endpoints", default="endpoints.yml")
    parser.add_argument("--credentials", default="credentials.yml")
    parser.add_argument("--cors", nargs="*", default=[], help="browser origins allowed (also $CORS_ORIGINS)")
    parser.add_argument("--response-timeout", type=int, default=30, help="seconds a chat request may take")
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    # Read by Sanic when the app is created: no request body beyond this.
    os.environ.setdefault("SANIC_REQUEST_MAX_SIZE", str(DEFAULT_MAX_BODY_BYTES))

    from borrower_help import log_masking
    from borrower_help.keys import API_SECRET

    log_masking.install()

    import rasa.core.run
    import rasa.utils.io
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog
    from rasa.utils.tensorflow import environment as tf_environment

    from rasa_extensions import patches

    configure_logging_and_warnings(logging.INFO, warn_only_once=True, filter_repeated_logs=True)
    # Rasa's structured logs go through the standard logging module (masked);
    # left unconfigured, structlog prints every debug line, raw, to stdout.
    configure_structlog(logging.INFO)
    rasa.utils.io.configure_colored_logging(logging.INFO)
    tf_environment.setup_tf_environment()
    patches.install()
    cors = args.cors or os.environ.get("CORS_ORIGINS", "").split()
    rasa.core.run.serve_application(
        model_path=args.model,
        interface=args.interface,
        port=args.port,
        credentials=args.credentials,
        cors=cors or None,
        enable_api=True,
        response_timeout=args.response_timeout,
        jwt_secret=API_SECRET.value(),
        jwt_method="HS256",
        endpoints=AvailableEndpoints.read_endpoints(args.endpoints),
    )


if __name__ == "__main__":
    main()
