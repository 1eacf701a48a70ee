"""Every page of the console; all need a signed-in user (LoginRequiredMiddleware),
except signing in itself and the lender's token-protected erasure endpoint.
Views that read or change borrowers' data are recorded in the audit trail
(support_console/web/audit.py) here, where they are named."""
from django.contrib.auth import views as auth_views
from django.urls import path

from support_console.web.audit import audited, filters_detail, searching
from support_console.web.views import data_rights, erasure_api, numbers, queue, review, transcripts


def _reply_detail(request, _kwargs) -> str:
    return f"{len(request.POST.get('text') or '')} characters"


def _hand_over_detail(request, _kwargs) -> str:
    return f"to {request.POST.get('to') or 'the queue'}"


def _label_detail(request, _kwargs) -> str:
    return f"intent {request.POST.get('intent', '')[:64]}"


urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="console/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", queue.queue, name="queue"),
    path("tickets/<str:reference>/", audited("view_ticket", "ticket", "reference")(queue.ticket), name="ticket"),
    path("tickets/<str:reference>/take/", audited("take", "ticket", "reference")(queue.take), name="take"),
    path("tickets/<str:reference>/reply/",
         audited("reply", "ticket", "reference", _reply_detail)(queue.reply), name="reply"),
    path("tickets/<str:reference>/resolve/", audited("resolve", "ticket", "reference")(queue.resolve),
         name="resolve"),
    path("tickets/<str:reference>/hand-over/",
         audited("hand_over", "ticket", "reference", _hand_over_detail)(queue.hand_over), name="hand_over"),
    path("conversations/", audited("search", "search", None, filters_detail, searching)(transcripts.conversations),
         name="conversations"),
    path("conversations/export.csv", audited("export", "export", None, filters_detail)(transcripts.export_csv),
         name="export_csv"),
    path("conversations/export.jsonl", audited("export", "export", None, filters_detail)(transcripts.export_jsonl),
         name="export_jsonl"),
    path("conversations/<str:conversation_id>/",
         audited("view_conversation", "conversation", "conversation_id")(transcripts.conversation),
         name="conversation"),
    path("conversations/<str:conversation_id>/hold/", data_rights.hold, name="hold"),
    path("conversations/<str:conversation_id>/release/", data_rights.release, name="release_hold"),
    path("review/", review.failures, name="review"),
    path("review/label/", audited("label", "label", None, _label_detail)(review.label), name="label"),
    path("review/export.yml", audited("export", "export", None)(review.export_nlu), name="export_nlu"),
    path("numbers/", numbers.numbers, name="numbers"),
    path("erasure/", data_rights.erasure_page, name="erasure"),
    path("erasure/confirm/", data_rights.erase_confirm, name="erase_confirm"),
    path("audit/", data_rights.audit_trail, name="audit"),
    path("audit/export.csv", data_rights.audit_export, name="audit_export"),
    path("api/erasures", erasure_api.erasures, name="api_erasures"),
]
