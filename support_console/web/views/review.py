"""Where the bot fails: messages that went to the fallback or were understood
with low confidence, grouped; a team lead marks the intent they should have
had and exports the labelled ones as Rasa NLU training data to review."""
from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from support_console import records
from support_console.web.models import FailureLabel, is_lead


def failures(request: HttpRequest) -> HttpResponse:
    found = records.failures()
    labels = {label.text: label.intent for label in FailureLabel.objects.all()}
    for failure in found:
        failure.label = labels.get(failure.text, "")
    return render(request, "console/review.html", {
        "failures": found, "intents": records.known_intents(), "lead": is_lead(request.user),
        "labelled": len(labels), "threshold": records.LOW_CONFIDENCE,
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
