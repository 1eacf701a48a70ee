"""Bearer tokens for Rasa's HTTP API.

The HTTP API accepts a JSON Web Token signed with the API secret
(keys.API_SECRET) in the `Authorization: Bearer …` header: no secret ever
travels in a URL (where proxies and logs keep it). The console mints a
short-lived token for each call; a developer gets one with

    make api-token                      # or: python -m borrower_help.api_token --hours 8
"""
import argparse
import time
from typing import List, Optional

import jwt

from borrower_help.keys import API_SECRET

ALGORITHM = "HS256"


def bearer_token(username: str = "console", seconds: int = 300, role: str = "admin",
                 secret: Optional[str] = None) -> str:
    """A token Rasa accepts for `seconds`. role "admin": every endpoint;
    role "user": only the conversation named `username` (Rasa's rule)."""
    now = int(time.time())
    claims = {"user": {"username": username, "role": role}, "iat": now, "exp": now + seconds}
    return jwt.encode(claims, secret or API_SECRET.value(), algorithm=ALGORITHM)


def authorization_header(**kwargs) -> dict:
    return {"Authorization": f"Bearer {bearer_token(**kwargs)}"}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Print a bearer token for Rasa's HTTP API.")
    parser.add_argument("--hours", type=float, default=1.0, help="how long it is valid (default 1)")
    parser.add_argument("--name", default="developer", help="who it is for (kept in the token)")
    args = parser.parse_args(argv)
    print(bearer_token(args.name, int(args.hours * 3600)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
