"""An index on Rasa's `events` table for long conversations:
events(sender_id, type_name, timestamp).

Rasa reads a conversation from its latest session start: on every message
its SQLTrackerStore asks for max(timestamp) of the sender's
`session_started` events, then for the sender's events from that time on,
and counts them again when it saves. With only Rasa's index on sender_id,
each of those walks every event the borrower ever had. This index answers
the first question from the index alone, and lets the others filter on the
timestamp without reading each row.

Our migrations may touch `events` because Rasa never does more than create
it when it is missing (SQLTrackerStore: metadata.create_all, which skips a
table that exists) and never migrates it: an extra index is invisible to
it. On a fresh database the launcher runs migrations before Rasa has ever
started, so the table is created here, exactly as Rasa 3.6 would create it
(rasa.core.tracker_store.SQLTrackerStore.SQLEvent: same columns and types,
its index ix_events_sender_id), and Rasa finds it there.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

INDEX = "ix_events_sender_type_timestamp"


def upgrade() -> None:
    if not sa.inspect(op.get_bind()).has_table("events"):
        op.create_table(
            "events",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("sender_id", sa.String(255), nullable=False),
            sa.Column("type_name", sa.String(255), nullable=False),
            sa.Column("timestamp", sa.Float),
            sa.Column("intent_name", sa.String(255)),
            sa.Column("action_name", sa.String(255)),
            sa.Column("data", sa.Text),
        )
        op.create_index("ix_events_sender_id", "events", ["sender_id"])
    op.create_index(INDEX, "events", ["sender_id", "type_name", "timestamp"])


def downgrade() -> None:
    op.drop_index(INDEX, "events")
