"""Numbers at a glance, per language: conversations per day, the share solved
without a human, handoffs by reason, the fallback rate, borrowers' ratings
(Chart.js, served from this server). All from aggregates: report_daily
(borrower_help/reporting) and GROUP BY on tickets and ratings."""
from datetime import datetime, timedelta, timezone

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from support_console import records

DAYS = 30


def numbers(request: HttpRequest) -> HttpResponse:
    figures = records.numbers(days=DAYS)
    since = datetime.now(timezone.utc) - timedelta(days=DAYS)
    figures["handoffs"] = records.handoffs_by_reason(since)
    figures["ratings"] = records.ratings_summary(since)
    return render(request, "console/numbers.html", {
        "figures": figures, "days": DAYS})
