"""Numbers at a glance, per language: conversations per day, the share solved
without a human, handoffs by reason, the fallback rate, borrowers' ratings
(Chart.js, served from this server)."""
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from borrower_help.storage.tickets import TicketStore
from support_console import records

DAYS = 30


def numbers(request: HttpRequest) -> HttpResponse:
    figures = records.numbers(days=DAYS)
    since = datetime.now(timezone.utc) - timedelta(days=DAYS)
    by_reason = defaultdict(Counter)
    for ticket in TicketStore().list():
        if ticket["created_at"] >= since:
            by_reason[ticket["reason"]][ticket["language"]] += 1
    figures["handoffs"] = {reason: dict(counts) for reason, counts in sorted(by_reason.items())}
    figures["ratings"] = records.ratings_summary(since)
    return render(request, "console/numbers.html", {
        "figures": figures, "days": DAYS})
