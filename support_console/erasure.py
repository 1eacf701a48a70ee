"""Erasing a conversation from the console or the lender's HTTP call: the
core erasure (borrower_help/storage/erasure.py: the running Rasa server
told first, then every row, the tombstone and the audit row), then what
only the console keeps: review labels whose text no conversation has any
more, and reply drafts of the erased tickets in agents' sessions."""
from typing import Iterable

from django.contrib.sessions.models import Session

from borrower_help import forget
from borrower_help.reporting.model import failure_key
from borrower_help.storage import erasure
from support_console.web.models import FailureLabel


class AssistantUnavailable(erasure.ErasureError):
    """The running assistant could not confirm; nothing was erased."""


def _forget(conversation_id: str) -> str:
    try:
        return forget.in_assistant(conversation_id)
    except forget.AssistantRefused as error:
        raise AssistantUnavailable(f"Nothing was erased: {error}. Try again in a minute.") from None


def erase(identifier: str, actor: str, via: str) -> erasure.Result:
    """Raises erasure.NotFound, erasure.OnHold or AssistantUnavailable (nothing erased)."""
    target = erasure.find(identifier)
    result = erasure.erase(identifier, actor, via, forget=_forget)
    drop_orphan_labels()
    drop_drafts(target.ticket_references)
    return result


def drop_orphan_labels() -> int:
    """Labels of failure texts no stored conversation has any more."""
    labels = list(FailureLabel.objects.values_list("id", "text"))
    if not labels:
        return 0
    kept = erasure.existing_failure_keys([failure_key(text) for _, text in labels])
    orphans = [label_id for label_id, text in labels if failure_key(text) not in kept]
    FailureLabel.objects.filter(id__in=orphans).delete()
    return len(orphans)


def drop_drafts(references: Iterable[str]) -> None:
    """A reply kept for an agent after a failed send (session key draft-<reference>)."""
    names = {f"draft-{reference}" for reference in references}
    if not names:
        return
    for session in Session.objects.iterator():
        data = session.get_decoded()
        if names & set(data):
            for name in names:
                data.pop(name, None)
            Session.objects.save(session.session_key, data, session.expire_date)
