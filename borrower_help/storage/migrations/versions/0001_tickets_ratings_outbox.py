"""Tickets, ratings and the helpdesk outbox.

Databases of earlier versions already have `tickets` and `ratings` (they
were created on first use then): those are kept as they are.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _exists(name: str) -> bool:
    return sa.inspect(op.get_bind()).has_table(name)


def upgrade() -> None:
    if not _exists("tickets"):
        op.create_table(
            "tickets",
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
        )
    if not _exists("ratings"):
        op.create_table(
            "ratings",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
            sa.Column("score", sa.Integer, nullable=False),
            sa.Column("comment", sa.Text),
            sa.Column("source", sa.String(16), nullable=False),
            sa.Column("ticket_reference", sa.String(16)),
            sa.Column("language", sa.String(8), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        )
    op.create_table(
        "helpdesk_outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ticket_reference", sa.String(16), nullable=False, index=True),
        sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.String(255)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    op.drop_table("helpdesk_outbox")
