"""The handoff queue: open tickets by priority and waiting time (filtered by
language, priority, problem, or only mine; paginated in SQL), taking a
ticket, replying to the borrower, and resolving (the bot takes over again)."""
import logging
from datetime import datetime, timezone

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from borrower_help.catalogue import PRIORITIES
from borrower_help.storage.tickets import ASSIGNED, RESOLVED, TicketStore
from support_console import handback, records
from support_console.rasa_api import RasaApi, RasaUnavailable
from support_console.web import paging

logger = logging.getLogger(__name__)
MAX_REPLY_CHARS = 2000
PAGE_SIZE = 50


def agent_name(user) -> str:
    return user.first_name or user.username


def _ticket_or_404(reference: str) -> dict:
    ticket = TicketStore().get(reference.upper())
    if ticket is None:
        raise Http404(f"No ticket {reference}")
    return ticket


def queue(request: HttpRequest) -> HttpResponse:
    now = datetime.now(timezone.utc)
    get = request.GET
    problems = records.ticket_problems()
    filters = records.QueueFilters(
        language=get.get("language", "") if get.get("language") in ("en", "zh") else "",
        priority=get.get("priority", "") if get.get("priority") in PRIORITIES else "",
        problem=get.get("problem", "") if get.get("problem") in problems else "",
        assigned_to=request.user.username if get.get("mine") == "1" else "")
    # Urgent first, then whoever has waited longest.
    page = paging.fetch(paging.page_number(request), PAGE_SIZE,
                        lambda offset, limit: records.waiting_tickets(filters, offset, limit),
                        records.count_waiting(filters))
    for ticket in page:
        ticket["waiting_minutes"] = int((now - ticket["created_at"]).total_seconds() // 60)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "console/queue.html", {
        "tickets": page, "page": page, "me": request.user.username, "filters": filters, "mine": get.get("mine") == "1",
        "priorities": PRIORITIES, "problems": problems, "query": query.urlencode()})


def ticket(request: HttpRequest, reference: str) -> HttpResponse:
    found = _ticket_or_404(reference)
    conversation = records.load_conversation(found["conversation_id"])
    return render(request, "console/ticket.html", {
        "ticket": found, "conversation": conversation, "mine": found["assigned_to"] == request.user.username,
        "max_reply": MAX_REPLY_CHARS, "draft": request.session.pop(f"draft-{found['reference']}", ""),
    })


@require_POST
def take(request: HttpRequest, reference: str) -> HttpResponse:
    found = _ticket_or_404(reference)
    if TicketStore().assign(found["reference"], request.user.username):
        messages.success(request, f"{found['reference']} is yours.")
    else:
        holder = TicketStore().get(found["reference"])["assigned_to"] or "nobody (resolved)"
        messages.error(request, f"{found['reference']} was already taken by {holder}.")
    return redirect("ticket", reference=found["reference"])


def _must_hold(request: HttpRequest, found: dict) -> bool:
    if found["status"] == ASSIGNED and found["assigned_to"] == request.user.username:
        return True
    messages.error(request, f"Take {found['reference']} before answering or resolving it.")
    return False


@require_POST
def reply(request: HttpRequest, reference: str) -> HttpResponse:
    found = _ticket_or_404(reference)
    text = (request.POST.get("text") or "").strip()
    if not _must_hold(request, found):
        return redirect("ticket", reference=found["reference"])
    if not text or len(text) > MAX_REPLY_CHARS:
        messages.error(request, f"A reply needs 1 to {MAX_REPLY_CHARS} characters.")
        request.session[f"draft-{found['reference']}"] = text[:MAX_REPLY_CHARS * 2]
        return redirect("ticket", reference=found["reference"])
    try:
        RasaApi().agent_reply(found["conversation_id"], text, agent_name(request.user))
    except RasaUnavailable as error:
        logger.warning("Reply to %s not delivered: %s", found["reference"], error)
        messages.error(request, f"The reply was not sent: {error}. It is kept below: try again.")
        request.session[f"draft-{found['reference']}"] = text
    else:
        messages.success(request, "Reply sent.")
    return redirect("ticket", reference=found["reference"])


@require_POST
def resolve(request: HttpRequest, reference: str) -> HttpResponse:
    found = _ticket_or_404(reference)
    if found["status"] == RESOLVED:
        messages.info(request, f"{found['reference']} is already resolved.")
        return redirect("queue")
    if not _must_hold(request, found):
        return redirect("ticket", reference=found["reference"])
    try:
        handback.resolve(found)
    except RasaUnavailable as error:
        logger.warning("Resume of %s failed: %s", found["reference"], error)
        messages.error(request, f"The bot could not take the conversation back: {error}. The ticket stays open.")
        return redirect("ticket", reference=found["reference"])
    messages.success(request, f"{found['reference']} resolved: the bot is back with the borrower.")
    return redirect("queue")
