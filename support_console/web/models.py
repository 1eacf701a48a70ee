"""The console's own records. Conversations and tickets are not here: they
are read from the assistant's stores (support_console/records.py)."""
from django.conf import settings
from django.db import models

AGENT, LEAD = "agent", "lead"
ROLES = (AGENT, LEAD)


def is_lead(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.groups.filter(name=LEAD).exists())


class FailureLabel(models.Model):
    """A lead's verdict on a message the bot did not understand: the intent it
    should have been, to review into the training data."""
    text = models.TextField(unique=True)  # as stored: already masked
    language = models.CharField(max_length=8)
    intent = models.CharField(max_length=64)
    labelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    labelled_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["intent", "text"]
