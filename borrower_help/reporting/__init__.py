"""The reporting model: what the support console lists, searches, counts
and exports, kept as tables beside `events` (borrower_help/storage/schema.py,
report_*), maintained as conversations happen.

    events (Rasa's, masked; the source of truth)
      └─ catch-up (catchup.py; the worker runs it every second)
           report_conversations   one row per conversation: channel, language,
                                  started, last activity, outcome, problem,
                                  intents, fallback and low-confidence counts,
                                  ticket, rating
           report_intents         intents seen, per conversation
           report_messages        what borrowers and agents wrote, searchable
           report_nlu_failures    messages not understood, one row each
           report_failure_groups  ... grouped by their text
           report_dialogue_failures  core fallbacks, repeated answers, no reply
           report_daily           the Numbers page's aggregates

The meaning of events (outcome, failures) is in model.py, pure and
documented; search in search.py and text.py; the console's queries in
queries.py. `python -m borrower_help.reporting catch-up | rebuild | status`.

This package imports neither Rasa nor Django.
"""
from borrower_help.reporting.catchup import catch_up, lag, rebuild  # noqa: F401
from borrower_help.reporting.model import ABANDONED, HANDED_OFF, LOW_CONFIDENCE, OUTCOMES, SOLVED_BY_BOT  # noqa: F401
