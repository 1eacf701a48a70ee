"""Numbers at a glance, per language: conversations per day, the share solved
without a human, handoffs by reason, the fallback rate, borrowers' ratings
(Chart.js, served from this server), the share of response deadlines met
per week. All from aggregates: report_daily (borrower_help/reporting) and
GROUP BY on tickets and ratings (borrower_help/storage/sla_report.py)."""
from datetime import datetime, timedelta, timezone

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from borrower_help.storage import sla_report
from support_console import records

DAYS = 30
SLA_WEEKS = 12


def numbers(request: HttpRequest) -> HttpResponse:
    figures = records.numbers(days=DAYS)
    since = datetime.now(timezone.utc) - timedelta(days=DAYS)
    figures["handoffs"] = records.handoffs_by_reason(since)
    figures["ratings"] = records.ratings_summary(since)
    now = datetime.now(timezone.utc)
    weeks = sla_report.by_week(now - timedelta(weeks=SLA_WEEKS), now)
    return render(request, "console/numbers.html", {
        "figures": figures, "days": DAYS, "sla_weeks": weeks, "sla_span": SLA_WEEKS})
