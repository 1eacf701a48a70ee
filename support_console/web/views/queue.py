"""The handoff queue: open tickets, overdue first, then by priority and
waiting time (filtered by language, priority, problem, or only mine;
paginated in SQL) with the time left to each deadline; taking a ticket (the
borrower is told a person joined), replying (canned replies in the
conversation's language), handing it to another agent or back to the queue,
and resolving (the bot takes over again)."""
import logging
from datetime import datetime, timezone

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from borrower_help import lender, sla
from borrower_help.catalogue import ANSWER_LABELS, PRIORITIES
from borrower_help.storage.tickets import ASSIGNED, RESOLVED, TicketStore
from support_console import handback, records
from support_console.rasa_api import RasaApi, RasaUnavailable
from support_console.web import paging
from support_console.web.models import ROLES, is_lead

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
        ticket.update(deadline(ticket, now))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "console/queue.html", {
        "tickets": page, "page": page, "me": request.user.username, "filters": filters, "mine": get.get("mine") == "1",
        "priorities": PRIORITIES, "problems": problems, "query": query.urlencode()})


def deadline(ticket: dict, now: datetime) -> dict:
    """The next deadline of a waiting ticket: which, minutes left (negative:
    overdue by), and a label ("12 min left", "overdue 1 h 5 min")."""
    if ticket.get("first_response_at") is None and ticket.get("first_response_due"):
        which, due = "first reply", ticket["first_response_due"]
    elif ticket.get("resolved_at") is None and ticket.get("resolution_due"):
        which, due = "resolution", ticket["resolution_due"]
    else:
        return {"due_label": "—", "overdue": False, "due_minutes": None}
    left = sla.minutes_left(due, now)
    amount = _duration(abs(left))
    label = f"{which}: overdue {amount}" if left < 0 else f"{which}: {amount} left"
    return {"due_label": label, "overdue": left < 0, "due_minutes": left, "due_at": due}


def _duration(minutes: int) -> str:
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {mins} min" if hours else f"{mins} min"


def _canned_replies(language: str) -> list:
    try:
        replies = lender.current().canned_replies
    except lender.SettingsError:
        return []
    return [{"name": r.name, "text": r.text.get(language, r.text["en"])} for r in replies]


def _agents(me: str) -> list:
    users = (get_user_model().objects.filter(is_active=True, groups__name__in=ROLES).exclude(username=me)
             .distinct().order_by("username"))
    return [{"username": u.username, "name": u.first_name or u.username} for u in users]


def ticket(request: HttpRequest, reference: str) -> HttpResponse:
    found = _ticket_or_404(reference)
    conversation = records.load_conversation(found["conversation_id"])
    language = conversation.language if conversation else found["language"]
    answers = [(ANSWER_LABELS.get(name, name.replace("_", " ")), value) for name, value in found["slots"].items()]
    return render(request, "console/ticket.html", {
        "ticket": found, "conversation": conversation, "mine": found["assigned_to"] == request.user.username,
        "max_reply": MAX_REPLY_CHARS, "draft": request.session.pop(f"draft-{found['reference']}", ""),
        "answers": answers, "language": language, "canned": _canned_replies(language),
        "agents": _agents(request.user.username), "lead": is_lead(request.user),
        **deadline(found, datetime.now(timezone.utc)),
    })


def _tell_agent_joined(request: HttpRequest, found: dict, name: str) -> None:
    try:
        RasaApi().agent_joined(found["conversation_id"], name, found["language"])
    except RasaUnavailable as error:
        logger.warning("Joined message for %s not delivered: %s", found["reference"], error)
        messages.warning(request, f"The borrower was not told that {name} joined: {error}.")


@require_POST
def take(request: HttpRequest, reference: str) -> HttpResponse:
    found = _ticket_or_404(reference)
    if TicketStore().assign(found["reference"], request.user.username):
        messages.success(request, f"{found['reference']} is yours.")
        _tell_agent_joined(request, found, agent_name(request.user))
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
        TicketStore().answered(found["reference"])
        messages.success(request, "Reply sent.")
    return redirect("ticket", reference=found["reference"])


@require_POST
def hand_over(request: HttpRequest, reference: str) -> HttpResponse:
    """To another agent (`to`: their user name) or back to the queue (`to` empty).
    The holder does it, or a lead for a ticket someone holds."""
    found = _ticket_or_404(reference)
    holder = found["assigned_to"]
    if found["status"] != ASSIGNED or not (holder == request.user.username or is_lead(request.user)):
        messages.error(request, f"Only whoever holds {found['reference']} (or a lead) can hand it over.")
        return redirect("ticket", reference=found["reference"])
    to = (request.POST.get("to") or "").strip()
    target = None
    if to:
        target = next((a for a in _agents(holder) if a["username"] == to), None)
        if target is None:
            messages.error(request, f"{to!r} is not an agent who can take tickets.")
            return redirect("ticket", reference=found["reference"])
    if not TicketStore().hand_over(found["reference"], holder, to or None):
        messages.error(request, f"{found['reference']} changed meanwhile: nothing was handed over.")
        return redirect("ticket", reference=found["reference"])
    if target:
        messages.success(request, f"{found['reference']} handed to {target['name']}.")
        _tell_agent_joined(request, found, target["name"])
    else:
        messages.success(request, f"{found['reference']} is back in the queue.")
    return redirect("queue")


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
