"""The lender's systems ask for an erasure over HTTP:

    POST /api/erasures
    Authorization: Bearer <ERASURE_API_TOKEN>
    Content-Type: application/json
    {"conversation_id": "w-…"}  or  {"ticket": "BH-…"}   (+ optional "requested_by": "case 2026-117")

The token (borrower_help.keys.ERASURE_TOKEN: $ERASURE_API_TOKEN or
var/erasure-token) only in the Authorization header, compared in constant
time; a token in the URL is refused, so none reaches an access log. Bodies
over MAX_BODY_BYTES, other content types and more than REQUESTS_PER_WINDOW
requests a minute from one address (failed ones included) are refused.
Every answer is JSON: {"error": "...", "detail": "..."} when refused.
No session, no CSRF token: the bearer token is the credential.
"""
import hmac
import json
import threading
import time
from collections import defaultdict, deque
from typing import Deque, Dict, Optional

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from borrower_help import audit
from borrower_help.keys import ERASURE_TOKEN
from borrower_help.storage import erasure
from support_console import erasure as console_erasure

MAX_BODY_BYTES = 4096
REQUESTS_PER_WINDOW = 30
WINDOW_SECONDS = 60.0
API_ACTOR = "lender-api"
_requests: Dict[str, Deque[float]] = defaultdict(deque)
_requests_lock = threading.Lock()


def _refused(status: int, error: str, detail: str, **headers: str) -> JsonResponse:
    response = JsonResponse({"error": error, "detail": detail}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _too_many(address: str, now: float) -> Optional[int]:
    """Seconds to wait when `address` used up its window, else None."""
    with _requests_lock:
        seen = _requests[address]
        while seen and seen[0] <= now - WINDOW_SECONDS:
            seen.popleft()
        if len(seen) >= REQUESTS_PER_WINDOW:
            return max(1, int(seen[0] + WINDOW_SECONDS - now) + 1)
        seen.append(now)
        if len(_requests) > 10_000:  # forget idle addresses
            for idle in [a for a, s in _requests.items() if not s or s[-1] <= now - WINDOW_SECONDS]:
                del _requests[idle]
    return None


def _token_ok(request: HttpRequest) -> Optional[JsonResponse]:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        return _refused(401, "unauthorized", "Send the erasure token as 'Authorization: Bearer <token>'.",
                        WWW_Authenticate='Bearer realm="erasure"')
    if not hmac.compare_digest(given.strip().encode(), ERASURE_TOKEN.value().encode()):
        return _refused(403, "forbidden", "The erasure token is not valid.")
    return None


def _target(body: bytes) -> str:
    """The one identifier the body names; ValueError says what is wrong."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ValueError("The body is not JSON (UTF-8).") from None
    if not isinstance(data, dict):
        raise ValueError('The body must be a JSON object: {"conversation_id": "..."} or {"ticket": "BH-..."}.')
    unknown = set(data) - {"conversation_id", "ticket", "requested_by"}
    if unknown:
        raise ValueError(f"Unknown field(s): {', '.join(sorted(unknown))}.")
    named = [data[k] for k in ("conversation_id", "ticket") if data.get(k) not in (None, "")]
    if len(named) != 1 or not isinstance(named[0], str) or len(named[0]) > erasure.MAX_ID_CHARS:
        raise ValueError("Name exactly one of conversation_id or ticket, as a string of at most 255 characters.")
    if "ticket" in data and data.get("ticket") and not named[0].upper().startswith(erasure.REFERENCE_PREFIX):
        raise ValueError("A ticket reference starts with BH-.")
    requested_by = data.get("requested_by")
    if requested_by is not None and (not isinstance(requested_by, str) or len(requested_by) > 80):
        raise ValueError("requested_by is a string of at most 80 characters.")
    return named[0].strip()


@csrf_exempt
@login_not_required
def erasures(request: HttpRequest) -> JsonResponse:
    if request.method != "POST":
        return _refused(405, "method_not_allowed", "POST a JSON body to ask for an erasure.", Allow="POST")
    wait = _too_many(request.META.get("REMOTE_ADDR", ""), time.monotonic())
    if wait is not None:
        return _refused(429, "too_many_requests", f"At most {REQUESTS_PER_WINDOW} requests a minute.",
                        Retry_After=str(wait))
    if any(name in request.GET for name in ("token", "access_token", "api_key")):
        return _refused(400, "token_in_url", "Never put the token in the URL: send it in the Authorization header.")
    refused = _token_ok(request)
    if refused is not None:
        return refused
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        return _refused(413, "too_large", f"The body may have at most {MAX_BODY_BYTES} bytes.")
    if request.content_type != "application/json":
        return _refused(415, "unsupported_media_type", "Send the body as application/json.")
    body = request.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        return _refused(413, "too_large", f"The body may have at most {MAX_BODY_BYTES} bytes.")
    try:
        identifier = _target(body)
    except ValueError as error:
        return _refused(400, "bad_request", str(error))
    requested_by = json.loads(body).get("requested_by") or ""
    who = f"{API_ACTOR} ({audit.search_detail(requested_by)})" if requested_by else API_ACTOR
    try:
        result = console_erasure.erase(identifier, who, "api")
    except erasure.NotFound as error:
        return _refused(404, "not_found", str(error))
    except erasure.OnHold as error:
        return _refused(409, "on_legal_hold", str(error))
    except console_erasure.AssistantUnavailable as error:
        return _refused(503, "assistant_unavailable", str(error), Retry_After="60")
    return JsonResponse({"erased": True, "conversation": result.conversation, "tickets": result.tickets,
                         "removed": result.removed, "tombstone": result.tombstone})
