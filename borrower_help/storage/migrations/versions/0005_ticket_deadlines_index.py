"""The Numbers page's deadlines per week read from one index: a ticket's
creation time and its four deadline columns (an index-only range scan per
week; at a million conversations, 350,000 tickets in 12 weeks).

Revision ID: 0005
Revises: 0004
"""
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

INDEX = "ix_tickets_deadlines"


def upgrade() -> None:
    op.create_index(INDEX, "tickets", ["created_at", "first_response_due", "first_response_at",
                                       "resolution_due", "resolved_at"])


def downgrade() -> None:
    op.drop_index(INDEX, "tickets")
