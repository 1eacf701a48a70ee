"""Where the bot fails.

- Messages that went to the fallback or were understood with low
  confidence, grouped by text, the most frequent first; a team lead marks
  the intent they should have had (no intent is chosen until they pick one)
  and exports the labelled ones as Rasa NLU training data to review.
- Dialogue failures, by kind (borrower_help/reporting/model.py): core
  fallbacks, the same answer 3+ times in one turn, messages left without a
  reply, conversations that stopped after a misunderstanding.

Both are pages of the reporting tables."""
from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from borrower_help.reporting import queries
from support_console import records
from support_console.web import paging
from support_console.web.models import FailureLabel, is_lead

PAGE_SIZE = 50
DIALOGUE_PAGE_SIZE = 10
KINDS = {  # kind: (title, what it means)
    records.model.CORE_FALLBACK: ("Core fallbacks", "the bot lost track (utter_core_fallback) or had no reply "
                                  "for a turn (utter_default, sent by the turn guard)"),
    records.model.REPEATED: ("Same answer 3+ times in one turn", "the same bot text sent three times or more "
                             "before the borrower's next message"),
    records.model.NO_REPLY: ("Messages left without a reply", "a borrower's message answered by nothing "
                             "before their next one, or still unanswered after a minute (not while an agent "
                             "has the conversation)"),
    records.model.STOPPED: ("Stopped after a misunderstanding", "the last bot message was a fallback, a "
                            "did-you-mean, a request to rephrase or to answer yes or no, and the borrower "
                            "wrote nothing after it for 10 minutes"),
}


def failures(request: HttpRequest) -> HttpResponse:
    page = paging.fetch(paging.page_number(request), PAGE_SIZE,
                        lambda offset, limit: records.failures(offset, limit), queries.failure_group_count())
    labels = dict(FailureLabel.objects.filter(text__in=[f.text for f in page]).values_list("text", "intent"))
    for failure in page:
        failure.label = labels.get(failure.text, "")
    counts = queries.dialogue_failure_counts()
    dialogue = []
    for kind, (title, meaning) in KINDS.items():
        number = paging.page_number(request, f"{kind.replace(' ', '-')}-page")
        dialogue.append({
            "kind": kind, "title": title, "meaning": meaning, "param": f"{kind.replace(' ', '-')}-page",
            "page": paging.fetch(number, DIALOGUE_PAGE_SIZE,
                                 lambda offset, limit, kind=kind: queries.dialogue_failures(kind, offset, limit),
                                 counts[kind], queries.COUNT_CAP)})
    return render(request, "console/review.html", {
        "failures": page, "intents": records.known_intents(), "lead": is_lead(request.user),
        "labelled": FailureLabel.objects.count(), "threshold": records.LOW_CONFIDENCE, "dialogue": dialogue,
        "cap": queries.COUNT_CAP,
    })


@require_POST
def label(request: HttpRequest) -> HttpResponse:
    if not is_lead(request.user):
        raise PermissionDenied("Only team leads label failures.")
    text, intent = request.POST.get("text", ""), request.POST.get("intent", "")
    if not text or intent not in records.known_intents():
        messages.error(request, "Choose one of the assistant's intents.")
        return redirect("review")
    FailureLabel.objects.update_or_create(
        text=text, defaults={"intent": intent, "language": request.POST.get("language", "")[:8],
                             "labelled_by": request.user})
    messages.success(request, f"Labelled as {intent}.")
    return redirect("review")


def _yaml_line(text: str) -> str:
    # One example per line; keep it a plain scalar YAML will read back as is.
    return " ".join(text.split()).replace("\\", "\\\\")


def export_nlu(request: HttpRequest) -> HttpResponse:
    if not is_lead(request.user):
        raise PermissionDenied("Only team leads export training data.")
    by_intent = defaultdict(list)
    for item in FailureLabel.objects.all():
        by_intent[item.intent].append(item.text)
    lines = ['version: "3.1"', "# Failures labelled in the support console: review before adding",
             "# them to data/nlu/<language>/<area>.yml (numbers in them are masked).", "nlu:"]
    for intent in sorted(by_intent):
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {_yaml_line(text)}" for text in sorted(by_intent[intent])]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/yaml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="console-failures.yml"'
    return response
