"""The console's side of the audit trail (borrower_help/audit.py): signing
in and out (Django's signals), and the views that read or change data,
wrapped where the URLs are made (support_console/urls.py) so that each
view's own code stays about its page.

What is kept of a request: the user, the action, the object's id and a
short detail; a search's text masked (borrower_help.privacy) and cut short.
Only answers that succeeded (status below 400) are recorded as done.
"""
import functools
import logging
from typing import Callable, Optional

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from borrower_help import audit

logger = logging.getLogger(__name__)
Detail = Callable[[HttpRequest, dict], str]


def actor(request: Optional[HttpRequest]) -> str:
    user = getattr(request, "user", None)
    return user.get_username() if user is not None and user.is_authenticated else "anonymous"


def record(request: HttpRequest, action: str, object_type: str, object_id: Optional[str] = None,
           detail: str = "") -> None:
    try:
        audit.record(actor(request), action, object_type, object_id, detail)
    except Exception:  # the trail must not hide the page; the failure is logged
        logger.exception("Audit row not written: %s %s", action, object_type)


def audited(action: str, object_type: str, object_kwarg: Optional[str] = None,
            detail: Optional[Detail] = None, when: Optional[Callable[[HttpRequest], bool]] = None):
    """Record `action` on the object named by the URL's `object_kwarg` after
    the view answered successfully (and only `when` it applies)."""
    def wrap(view):
        @functools.wraps(view)
        def run(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            response = view(request, *args, **kwargs)
            if response.status_code < 400 and (when is None or when(request)):
                record(request, action, object_type, kwargs.get(object_kwarg) if object_kwarg else None,
                       detail(request, kwargs) if detail else "")
            return response
        return run
    return wrap


def filters_detail(request: HttpRequest, _kwargs: dict) -> str:
    """The filters of a list or an export, the search text masked."""
    get = request.GET
    parts = [f"{name}={get.get(name)}" for name in ("intent", "outcome", "language", "since", "until")
             if get.get(name)]
    if get.get("q", "").strip():
        parts.insert(0, f"text={audit.search_detail(get.get('q', ''))}")
    return "; ".join(parts) or "all"


def searching(request: HttpRequest) -> bool:
    return bool(request.GET.get("q", "").strip())


def _safely(name: str, action: str) -> None:
    try:
        audit.record(name, action, "user", name)
    except Exception:
        logger.exception("Audit row not written: %s", action)


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs) -> None:
    _safely(user.get_username(), "sign_in")


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        _safely(user.get_username(), "sign_out")


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    # The name typed, masked and cut short (someone may type a phone number
    # or a password into it); never the password.
    typed = audit.search_detail(str(credentials.get("username", "")))
    try:
        audit.record("anonymous", "sign_in_failed", "user", typed)
    except Exception:
        logger.exception("Audit row not written: sign_in_failed")
