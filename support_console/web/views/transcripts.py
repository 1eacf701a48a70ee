"""Transcripts: search and filter every conversation, read one turn by turn,
export the filtered set as CSV (a row per message) or JSON Lines (a line per
conversation).

Lists and search are pages of the reporting tables (support_console/records.py);
exports stream the matching conversations 200 at a time, so an export of
any size keeps the console's memory flat."""
import csv
import json
from datetime import date
from typing import Optional

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from borrower_help.reporting.queries import COUNT_CAP
from support_console import records
from support_console.web import paging

PAGE_SIZE = 50


def _date(value: str, label: str, request: HttpRequest) -> Optional[date]:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        messages.error(request, f"{label}: {value!r} is not a date (YYYY-MM-DD); ignored.")
        return None


def filters_from(request: HttpRequest) -> records.Filters:
    get = request.GET
    outcome = get.get("outcome", "")
    return records.Filters(
        text=get.get("q", "").strip()[:200],
        intent=get.get("intent", ""),
        outcome=outcome if outcome in records.OUTCOMES else "",
        language=get.get("language", "") if get.get("language") in ("en", "zh") else "",
        since=_date(get.get("since", ""), "From", request),
        until=_date(get.get("until", ""), "To", request),
    )


def conversations(request: HttpRequest) -> HttpResponse:
    filters = filters_from(request)
    number = paging.page_number(request)
    found, total = filters.page((number - 1) * PAGE_SIZE, PAGE_SIZE + 1)
    page = paging.Page(found[:PAGE_SIZE], number, PAGE_SIZE, total, COUNT_CAP, has_more=len(found) > PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "console/conversations.html", {
        "page": page, "total": total, "capped": page.capped, "cap": COUNT_CAP, "filters": filters,
        "query": query.urlencode(), "intents": records.known_intents(), "outcomes": records.OUTCOMES,
    })


def conversation(request: HttpRequest, conversation_id: str) -> HttpResponse:
    found = records.load_conversation(conversation_id)
    if found is None:
        raise Http404("No such conversation")
    return render(request, "console/conversation.html", {
        "conversation": found, "tickets": records.tickets_of(conversation_id)})


# A spreadsheet (Excel, WPS, LibreOffice) runs a cell that starts with one of
# these as a formula: `=HYPERLINK(...)` typed by a borrower would run on a
# staff member's machine. OWASP's advice: prefix such cells with a quote.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def spreadsheet_safe(cell: str) -> str:
    return "'" + cell if cell.lstrip(" ").startswith(_FORMULA_STARTS) else cell


class _Echo:
    def write(self, value):
        return value


def _rows(found):
    yield ["conversation_id", "timestamp", "language", "outcome", "speaker", "text", "intent",
           "confidence", "action"]
    for c in found:
        for t in c.turns:
            if t.kind in ("user", "bot", "agent", "action"):
                yield [c.id, t.timestamp.isoformat(), c.language, c.outcome,
                       t.agent if t.kind == "agent" else t.kind, t.text or "", t.intent or "",
                       "" if t.confidence is None else f"{t.confidence:.3f}", t.name or ""]


def _attachment(extension: str) -> str:
    return f'attachment; filename="conversations-{date.today().isoformat()}.{extension}"'


def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    rows = _rows(records.whole_conversations(filters_from(request)))
    response = StreamingHttpResponse((writer.writerow([spreadsheet_safe(cell) for cell in row]) for row in rows),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _attachment("csv")
    return response


def _conversation_json(c: records.Conversation) -> str:
    return json.dumps({
        "conversation_id": c.id, "started": c.started.isoformat(), "language": c.language,
        "outcome": c.outcome, "intents": c.intents,
        "turns": [{"timestamp": t.timestamp.isoformat(), "kind": t.kind, "text": t.text, "intent": t.intent,
                   "confidence": t.confidence, "name": t.name, "value": t.value, "agent": t.agent}
                  for t in c.turns],
    }, ensure_ascii=False) + "\n"


def export_jsonl(request: HttpRequest) -> StreamingHttpResponse:
    response = StreamingHttpResponse((_conversation_json(c) for c in records.whole_conversations(filters_from(request))),
                                     content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = _attachment("jsonl")
    return response
