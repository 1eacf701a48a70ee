"""Every page of the console; all need a signed-in user (LoginRequiredMiddleware),
except signing in itself."""
from django.contrib.auth import views as auth_views
from django.urls import path

from support_console.web.views import numbers, queue, review, transcripts

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="console/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", queue.queue, name="queue"),
    path("tickets/<str:reference>/", queue.ticket, name="ticket"),
    path("tickets/<str:reference>/take/", queue.take, name="take"),
    path("tickets/<str:reference>/reply/", queue.reply, name="reply"),
    path("tickets/<str:reference>/resolve/", queue.resolve, name="resolve"),
    path("conversations/", transcripts.conversations, name="conversations"),
    path("conversations/export.csv", transcripts.export_csv, name="export_csv"),
    path("conversations/export.jsonl", transcripts.export_jsonl, name="export_jsonl"),
    path("conversations/<str:conversation_id>/", transcripts.conversation, name="conversation"),
    path("review/", review.failures, name="review"),
    path("review/label/", review.label, name="label"),
    path("review/export.yml", review.export_nlu, name="export_nlu"),
    path("numbers/", numbers.numbers, name="numbers"),
]
