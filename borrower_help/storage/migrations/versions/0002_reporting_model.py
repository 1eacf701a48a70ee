"""The reporting model (borrower_help/reporting) and its search indexes.

PostgreSQL: pg_trgm GIN indexes on the searchable text (substring search
in any script, Chinese included, with LIKE/ILIKE). SQLite: an FTS5 table
with the trigram tokenizer (SQLite 3.34+), kept in step by triggers.
The tables start empty: the worker's catch-up (or `python -m
borrower_help.reporting rebuild`) fills them from `events`.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

FTS_TRIGGERS = {
    "report_messages_fts_insert": """
        CREATE TRIGGER report_messages_fts_insert AFTER INSERT ON report_messages BEGIN
          INSERT INTO report_messages_fts(rowid, text, pairs) VALUES (new.event_id, new.text, new.pairs);
        END""",
    "report_messages_fts_delete": """
        CREATE TRIGGER report_messages_fts_delete AFTER DELETE ON report_messages BEGIN
          INSERT INTO report_messages_fts(report_messages_fts, rowid, text, pairs)
          VALUES ('delete', old.event_id, old.text, old.pairs);
        END""",
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "report_state",
        sa.Column("source", sa.String(16), primary_key=True),
        sa.Column("last_id", sa.BigInteger, nullable=False),
        sa.Column("gaps", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )
    op.create_table(
        "report_conversations",
        sa.Column("conversation_id", sa.String(255), primary_key=True),
        sa.Column("channel", sa.String(32)),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("started", sa.Float, nullable=False, index=True),
        sa.Column("last_activity", sa.Float, nullable=False, index=True),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("problem", sa.String(64)),
        sa.Column("intents", sa.Text, nullable=False),
        sa.Column("user_turns", sa.Integer, nullable=False),
        sa.Column("messages", sa.Integer, nullable=False),
        sa.Column("fallbacks", sa.Integer, nullable=False),
        sa.Column("low_confidence", sa.Integer, nullable=False),
        sa.Column("first_message", sa.Text, nullable=False),
        sa.Column("ticket", sa.String(16)),
        sa.Column("rating", sa.Integer),
        sa.Column("evidence", sa.String(64), nullable=False),
        sa.Column("paused", sa.Boolean, nullable=False),
        sa.Column("open_turn_event", sa.BigInteger),
        sa.Column("open_turn_at", sa.Float),
        sa.Column("turn_replies", sa.Text, nullable=False),
        sa.Column("stopped_on", sa.String(64)),
        sa.Column("last_event_id", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_report_conversations_language_last", "report_conversations",
                    ["language", "last_activity"])
    op.create_index("ix_report_conversations_outcome_last", "report_conversations",
                    ["outcome", "last_activity"])
    op.create_index("ix_report_conversations_stopped", "report_conversations", ["stopped_on", "last_activity"])
    op.create_index("ix_report_conversations_open_turn", "report_conversations", ["open_turn_at"])
    op.create_table(
        "report_intents",
        sa.Column("conversation_id", sa.String(255), primary_key=True),
        sa.Column("intent", sa.String(128), primary_key=True, index=True),
    )
    op.create_table(
        "report_messages",
        sa.Column("event_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
        sa.Column("timestamp", sa.Float, nullable=False),
        sa.Column("speaker", sa.String(8), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("pairs", sa.Text),
    )
    op.create_table(
        "report_nlu_failures",
        sa.Column("event_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
        sa.Column("timestamp", sa.Float, nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("intent", sa.String(128)),
        sa.Column("confidence", sa.Float),
    )
    op.create_index("ix_report_nlu_failures_key", "report_nlu_failures", ["key", "event_id"])
    op.create_table(
        "report_failure_groups",
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("en", sa.Integer, nullable=False),
        sa.Column("zh", sa.Integer, nullable=False),
        sa.Column("last_seen", sa.Float, nullable=False),
        sa.Column("last_event_id", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_report_failure_groups_rank", "report_failure_groups", ["count", "last_seen", "key"])
    op.create_table(
        "report_dialogue_failures",
        sa.Column("event_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(24), primary_key=True),
        sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
        sa.Column("timestamp", sa.Float, nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("response", sa.String(64)),
        sa.Column("text", sa.Text, nullable=False),
    )
    op.create_index("ix_report_dialogue_failures_kind", "report_dialogue_failures", ["kind", "timestamp"])
    op.create_table(
        "report_daily",
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("language", sa.String(8), primary_key=True),
        sa.Column("conversations", sa.Integer, nullable=False),
        sa.Column("solved", sa.Integer, nullable=False),
        sa.Column("handed_off", sa.Integer, nullable=False),
        sa.Column("abandoned", sa.Integer, nullable=False),
        sa.Column("messages", sa.Integer, nullable=False),
        sa.Column("fallbacks", sa.Integer, nullable=False),
    )
    op.create_index("ix_tickets_created_at", "tickets", ["created_at", "reason", "language"])
    op.create_index("ix_ratings_created_at", "ratings", ["created_at", "source", "language", "score"])
    if dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_report_messages_text_trgm ON report_messages USING gin (text gin_trgm_ops)")
        op.execute("CREATE INDEX ix_report_messages_pairs_trgm ON report_messages "
                   "USING gin (pairs gin_trgm_ops) WHERE pairs IS NOT NULL")
    elif dialect == "sqlite":
        op.execute("CREATE VIRTUAL TABLE report_messages_fts USING fts5("
                   "text, pairs, content='report_messages', content_rowid='event_id', tokenize='trigram')")
        for sql in FTS_TRIGGERS.values():
            op.execute(sql)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in FTS_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS report_messages_fts")
    op.drop_index("ix_ratings_created_at", "ratings")
    op.drop_index("ix_tickets_created_at", "tickets")
    for table in ("report_daily", "report_dialogue_failures", "report_failure_groups", "report_nlu_failures",
                  "report_messages", "report_intents", "report_conversations", "report_state"):
        op.drop_table(table)
