"""Every table of Borrower Help, defined once. Created and changed only by
the migrations in migrations/versions (keep both in step: a test compares
them). `events` is Rasa's (its SQL tracker store creates it); it is described
here only so that our code reads it without reflecting it."""
import sqlalchemy as sa

metadata = sa.MetaData()

# A handoff: what the agent needs to take over (summary and answers masked).
tickets = sa.Table(
    "tickets", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("reference", sa.String(16), nullable=False, unique=True),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("reason", sa.String(32), nullable=False),
    sa.Column("priority", sa.String(16), nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("problem", sa.String(64)),
    sa.Column("slots", sa.Text, nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("assigned_to", sa.String(128)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("resolved_at", sa.DateTime(timezone=True)),
    # Deadlines (borrower_help/sla.py, migration 0004): an agent's first
    # reply by first_response_due; a complaint resolved by resolution_due.
    sa.Column("first_response_due", sa.DateTime(timezone=True)),
    sa.Column("first_response_at", sa.DateTime(timezone=True)),
    sa.Column("resolution_due", sa.DateTime(timezone=True)),
)

# A borrower's 1-5 rating of the bot (a flow ended solved) or of an agent.
ratings = sa.Table(
    "ratings", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("score", sa.Integer, nullable=False),
    sa.Column("comment", sa.Text),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("ticket_reference", sa.String(16)),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

# Tickets to post to the lender's helpdesk, kept until delivered or given up.
helpdesk_outbox = sa.Table(
    "helpdesk_outbox", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ticket_reference", sa.String(16), nullable=False, index=True),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, index=True),  # pending, delivered, given_up
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("claimed_until", sa.DateTime(timezone=True)),
    sa.Column("last_error", sa.String(255)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("delivered_at", sa.DateTime(timezone=True)),
)

# The reporting model (borrower_help/reporting): derived from `events` by the
# catch-up, rebuilt from scratch by `python -m borrower_help.reporting rebuild`.
# Nothing here is a source of truth; every text was masked when the event was
# stored. Times are Unix seconds, as in `events.timestamp`.

# Where the catch-up stopped reading each source: the last id read, and ids
# below it not seen yet (a transaction that had not committed; JSON list of
# [id, first noticed]).
report_state = sa.Table(
    "report_state", metadata,
    sa.Column("source", sa.String(16), primary_key=True),  # events, tickets, ratings
    sa.Column("last_id", sa.BigInteger, nullable=False),
    sa.Column("gaps", sa.Text, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)

# One row per conversation (a Rasa sender id).
report_conversations = sa.Table(
    "report_conversations", metadata,
    sa.Column("conversation_id", sa.String(255), primary_key=True),
    sa.Column("channel", sa.String(32)),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("started", sa.Float, nullable=False, index=True),
    sa.Column("last_activity", sa.Float, nullable=False, index=True),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("problem", sa.String(64)),
    sa.Column("intents", sa.Text, nullable=False),  # sorted, comma separated (also in report_intents)
    sa.Column("user_turns", sa.Integer, nullable=False),  # user events, button payloads included
    sa.Column("messages", sa.Integer, nullable=False),  # typed messages (no payloads)
    sa.Column("fallbacks", sa.Integer, nullable=False),  # typed messages sent to nlu_fallback
    sa.Column("low_confidence", sa.Integer, nullable=False),  # other typed messages below 0.6
    sa.Column("first_message", sa.Text, nullable=False),
    sa.Column("ticket", sa.String(16)),
    sa.Column("rating", sa.Integer),
    # The explicit evidence the outcome is read from (reporting/model.py).
    sa.Column("evidence", sa.String(64), nullable=False),
    # Dialogue state carried from one catch-up to the next.
    sa.Column("paused", sa.Boolean, nullable=False),
    sa.Column("open_turn_event", sa.BigInteger),  # a user message not answered yet
    sa.Column("open_turn_at", sa.Float),
    sa.Column("turn_replies", sa.Text, nullable=False),  # JSON: bot texts of the current turn
    sa.Column("stopped_on", sa.String(64)),  # last bot message was a misunderstanding, no user since
    sa.Column("last_event_id", sa.BigInteger, nullable=False),
)
sa.Index("ix_report_conversations_language_last", report_conversations.c.language,
         report_conversations.c.last_activity)
sa.Index("ix_report_conversations_outcome_last", report_conversations.c.outcome,
         report_conversations.c.last_activity)
sa.Index("ix_report_conversations_stopped", report_conversations.c.stopped_on,
         report_conversations.c.last_activity)
sa.Index("ix_report_conversations_open_turn", report_conversations.c.open_turn_at)

# The intents seen in a conversation (the intent filter).
report_intents = sa.Table(
    "report_intents", metadata,
    sa.Column("conversation_id", sa.String(255), primary_key=True),
    sa.Column("intent", sa.String(128), primary_key=True, index=True),
)

# What borrowers and agents wrote, searchable: `text` with masked numbers
# reduced to "***" (no digit of one can be searched for), `pairs` the
# two-character runs of its Chinese text (2-character searches). Searched
# through pg_trgm GIN indexes on PostgreSQL and the FTS5 table
# report_messages_fts (trigram tokenizer) on SQLite, both made by migration.
report_messages = sa.Table(
    "report_messages", metadata,
    sa.Column("event_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("timestamp", sa.Float, nullable=False),
    sa.Column("speaker", sa.String(8), nullable=False),  # user, agent
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("pairs", sa.Text),
)

# Typed messages the model did not understand (nlu_fallback, or confidence
# below 0.6), one row each, and grouped by their text (case and spacing
# ignored; `key` is a hash of it) for the Bot failures page.
report_nlu_failures = sa.Table(
    "report_nlu_failures", metadata,
    sa.Column("event_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("key", sa.String(40), nullable=False),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("timestamp", sa.Float, nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("intent", sa.String(128)),
    sa.Column("confidence", sa.Float),
)
sa.Index("ix_report_nlu_failures_key", report_nlu_failures.c.key, report_nlu_failures.c.event_id)

report_failure_groups = sa.Table(
    "report_failure_groups", metadata,
    sa.Column("key", sa.String(40), primary_key=True),
    sa.Column("text", sa.Text, nullable=False),  # as last seen (masked)
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("en", sa.Integer, nullable=False),
    sa.Column("zh", sa.Integer, nullable=False),
    sa.Column("last_seen", sa.Float, nullable=False),
    sa.Column("last_event_id", sa.BigInteger, nullable=False),
)
sa.Index("ix_report_failure_groups_rank", report_failure_groups.c["count"], report_failure_groups.c.last_seen,
         report_failure_groups.c.key)

# Dialogue failures, one row each: a core fallback answer, the same bot
# text a third time in one turn, a message left without a reply.
report_dialogue_failures = sa.Table(
    "report_dialogue_failures", metadata,
    sa.Column("event_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("kind", sa.String(24), primary_key=True),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("timestamp", sa.Float, nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("response", sa.String(64)),  # the bot's response name, when it has one
    sa.Column("text", sa.Text, nullable=False),
)
sa.Index("ix_report_dialogue_failures_kind", report_dialogue_failures.c.kind,
         report_dialogue_failures.c.timestamp)

# The Numbers page: conversations by the UTC day they started and their
# language (as it is now), with their outcomes and typed messages.
report_daily = sa.Table(
    "report_daily", metadata,
    sa.Column("day", sa.String(10), primary_key=True),
    sa.Column("language", sa.String(8), primary_key=True),
    sa.Column("conversations", sa.Integer, nullable=False),
    sa.Column("solved", sa.Integer, nullable=False),
    sa.Column("handed_off", sa.Integer, nullable=False),
    sa.Column("abandoned", sa.Integer, nullable=False),
    sa.Column("messages", sa.Integer, nullable=False),
    sa.Column("fallbacks", sa.Integer, nullable=False),
)

# Rasa's tracker store table (rasa.core.tracker_store.SQLTrackerStore.SQLEvent):
# read here, written by Rasa. Migration 0003 creates it, as Rasa would, when
# it is missing (a fresh database: migrations run before Rasa first starts)
# and adds the index Rasa's session queries need (see there); Rasa never
# changes an existing table.
rasa_metadata = sa.MetaData()
events = sa.Table(
    "events", rasa_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)
sa.Index("ix_events_sender_type_timestamp", events.c.sender_id, events.c.type_name, events.c.timestamp)

# Read by the console's Numbers page for the last 30 days (covering: the
# counts come from the index alone).
sa.Index("ix_tickets_created_at", tickets.c.created_at, tickets.c.reason, tickets.c.language)
# The deadlines met per week (borrower_help/storage/sla_report.py), covering too.
sa.Index("ix_tickets_deadlines", tickets.c.created_at, tickets.c.first_response_due,
         tickets.c.first_response_at, tickets.c.resolution_due, tickets.c.resolved_at)
sa.Index("ix_ratings_created_at", ratings.c.created_at, ratings.c.source, ratings.c.language, ratings.c.score)


# Borrowers' data rights (migration 0004; borrower_help/storage/erasure.py,
# borrower_help/retention.py, borrower_help/audit.py). Kept here, beside the
# data they are about, not in the console's database: the erasure, the purge
# and the HTTP endpoint write their records in the same transaction as the
# deletion they record, from processes without Django (worker, command line).

# Who did what to which object, when: sign-ins, views, searches (masked),
# exports, labels, takes, replies, resolutions, hand-overs, holds, erasures.
# Never message content. Append-only: no code path updates or deletes a
# row, except that an erasure or a purge replaces the ids of what it removed
# by their digest (erasure.digest), so the trail keeps the act, not the id.
audit_log = sa.Table(
    "audit_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.String(150), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("object_type", sa.String(16), nullable=False),
    sa.Column("object_id", sa.String(255)),
    sa.Column("detail", sa.String(255), nullable=False),
)
sa.Index("ix_audit_log_at", audit_log.c.at, audit_log.c.id)
sa.Index("ix_audit_log_action_at", audit_log.c.action, audit_log.c.at)
sa.Index("ix_audit_log_actor_at", audit_log.c.actor, audit_log.c.at)
sa.Index("ix_audit_log_object_id", audit_log.c.object_id)

# One row per erasure: who, when, through what, and which conversations and
# tickets, as digests (erasure.digest), with how many rows each table lost.
erasures = sa.Table(
    "erasures", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("actor", sa.String(150), nullable=False),
    sa.Column("via", sa.String(16), nullable=False),  # console, api, cli
    sa.Column("conversations", sa.Text, nullable=False),  # JSON list of digests
    sa.Column("tickets", sa.Text, nullable=False),  # JSON list of digests
    sa.Column("removed", sa.Text, nullable=False),  # JSON: table -> rows
)

# Conversations a lead put on legal hold: never purged, never erased, until cleared.
legal_holds = sa.Table(
    "legal_holds", metadata,
    sa.Column("conversation_id", sa.String(255), primary_key=True),
    sa.Column("set_by", sa.String(150), nullable=False),
    sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("reason", sa.String(255), nullable=False),  # masked
)
