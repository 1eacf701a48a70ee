"""Borrowers' data rights in the console, for team leads: erasing a
conversation (asked by id or ticket reference, confirmed on a second page),
legal holds, the tombstones, and the audit trail (browse and export; no
page changes it). Everything is done by the core (borrower_help/audit.py,
borrower_help/storage/erasure.py) through support_console/erasure.py."""
from datetime import date
from typing import Optional

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from borrower_help import audit
from borrower_help.storage import erasure
from support_console import erasure as console_erasure
from support_console.web import paging
from support_console.web.audit import actor, record
from support_console.web.models import is_lead

PAGE_SIZE = 50


def _lead_only(request: HttpRequest) -> None:
    if not is_lead(request.user):
        raise PermissionDenied("Only team leads erase conversations, set legal holds and read the audit trail.")


@require_GET
def erasure_page(request: HttpRequest) -> HttpResponse:
    _lead_only(request)
    page = paging.fetch(paging.page_number(request), PAGE_SIZE,
                        lambda offset, limit: erasure.tombstones(offset, limit), 0)
    return render(request, "console/erasure.html", {"tombstones": page, "page": page})


def erase_confirm(request: HttpRequest) -> HttpResponse:
    """GET: what would be erased, and the button. POST: erase."""
    _lead_only(request)
    identifier = (request.POST.get("identifier") or request.GET.get("identifier") or "").strip()[:255]
    try:
        target = erasure.find(identifier)
    except erasure.NotFound as error:
        messages.error(request, str(error))
        return redirect("erasure")
    hold = erasure.hold_of(target.conversation_id)
    if request.method != "POST":
        return render(request, "console/erase_confirm.html", {
            "identifier": identifier, "target": target, "hold": hold})
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Tick the box to confirm the erasure: nothing was erased.")
        return redirect(f"{request.path}?identifier={identifier}")
    try:
        result = console_erasure.erase(identifier, actor(request), "console")
    except erasure.ErasureError as error:
        messages.error(request, str(error))
        return redirect("erasure")
    messages.success(request, f"Erased: {sum(result.removed.values())} rows of the conversation and "
                              f"{len(result.tickets)} ticket(s) ({result.assistant}). Tombstone {result.tombstone}.")
    return redirect("erasure")


@require_POST
def hold(request: HttpRequest, conversation_id: str) -> HttpResponse:
    _lead_only(request)
    reason = (request.POST.get("reason") or "").strip()
    if not reason:
        messages.error(request, "Say why the conversation is held (a case or order reference).")
    elif erasure.set_hold(conversation_id, actor(request), reason):
        messages.success(request, "On legal hold: it will not be purged or erased until released.")
    else:
        messages.info(request, "It was already on legal hold.")
    return redirect("conversation", conversation_id=conversation_id)


@require_POST
def release(request: HttpRequest, conversation_id: str) -> HttpResponse:
    _lead_only(request)
    if erasure.release_hold(conversation_id, actor(request)):
        messages.success(request, "Legal hold released.")
    else:
        messages.info(request, "It was not on legal hold.")
    return redirect("conversation", conversation_id=conversation_id)


def _date(value: str) -> Optional[date]:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _audit_filters(request: HttpRequest) -> audit.Filters:
    get = request.GET
    return audit.Filters(actor=get.get("actor", "").strip()[:150],
                         action=get.get("action", "") if get.get("action") in audit.ACTIONS else "",
                         object_id=get.get("object", "").strip()[:255],
                         since=_date(get.get("since", "")), until=_date(get.get("until", "")))


@require_GET
def audit_trail(request: HttpRequest) -> HttpResponse:
    _lead_only(request)
    filters = _audit_filters(request)
    page = paging.fetch(paging.page_number(request), PAGE_SIZE,
                        lambda offset, limit: audit.page(filters, offset, limit), audit.count(filters), 10_000)
    record(request, "view_audit", "audit", None, _describe(filters))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "console/audit.html", {
        "rows": page, "page": page, "filters": filters, "actions": audit.ACTIONS, "query": query.urlencode()})


@require_GET
def audit_export(request: HttpRequest) -> StreamingHttpResponse:
    _lead_only(request)
    filters = _audit_filters(request)
    record(request, "export_audit", "audit", None, _describe(filters))
    response = StreamingHttpResponse(audit.csv_lines(audit.each(filters)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{date.today().isoformat()}.csv"'
    return response


def _describe(filters: audit.Filters) -> str:
    parts = [f"{name}={value}" for name, value in (("actor", filters.actor), ("action", filters.action),
                                                   ("object", filters.object_id), ("since", filters.since),
                                                   ("until", filters.until)) if value]
    return "; ".join(parts) or "all"
