"""Borrowers' data rights and deadlines: the audit trail, erasure
tombstones, legal holds, and each ticket's response deadlines.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TICKET_DEADLINES = ("first_response_due", "first_response_at", "resolution_due")


def upgrade() -> None:
    for name in TICKET_DEADLINES:
        op.add_column("tickets", sa.Column(name, sa.DateTime(timezone=True)))
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(150), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("object_type", sa.String(16), nullable=False),
        sa.Column("object_id", sa.String(255)),
        sa.Column("detail", sa.String(255), nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at", "id"])
    op.create_index("ix_audit_log_action_at", "audit_log", ["action", "at"])
    op.create_index("ix_audit_log_actor_at", "audit_log", ["actor", "at"])
    op.create_index("ix_audit_log_object_id", "audit_log", ["object_id"])
    op.create_table(
        "erasures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(150), nullable=False),
        sa.Column("via", sa.String(16), nullable=False),
        sa.Column("conversations", sa.Text, nullable=False),
        sa.Column("tickets", sa.Text, nullable=False),
        sa.Column("removed", sa.Text, nullable=False),
    )
    op.create_index("ix_erasures_at", "erasures", ["at"])
    op.create_table(
        "legal_holds",
        sa.Column("conversation_id", sa.String(255), primary_key=True),
        sa.Column("set_by", sa.String(150), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(255), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("legal_holds")
    op.drop_index("ix_erasures_at", "erasures")
    op.drop_table("erasures")
    for name in ("ix_audit_log_object_id", "ix_audit_log_actor_at", "ix_audit_log_action_at", "ix_audit_log_at"):
        op.drop_index(name, "audit_log")
    op.drop_table("audit_log")
    with op.batch_alter_table("tickets") as batch:
        for name in TICKET_DEADLINES:
            batch.drop_column(name)
