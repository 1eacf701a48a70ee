"""Borrowers' ratings of the help they got: after a flow ends solved (source
"bot") and after an agent resolved their ticket (source "agent"), in the
same database as the conversation. Calls block: async callers run them in a
thread."""
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Text

import sqlalchemy as sa

from borrower_help.privacy import mask
from borrower_help.storage import engine
from borrower_help.storage.schema import ratings

BOT, AGENT = "bot", "agent"
MAX_COMMENT_CHARS = 1000


class RatingStore:
    def __init__(self, url: Optional[Text] = None) -> None:
        self.engine = engine(url)

    def add(self, conversation_id: Text, score: int, source: Text, language: Text,
            ticket_reference: Optional[Text] = None) -> int:
        if not 1 <= score <= 5 or source not in (BOT, AGENT):
            raise ValueError(f"a rating is 1-5 from {BOT!r} or {AGENT!r}, not {score!r} from {source!r}")
        with self.engine.begin() as connection:
            return connection.execute(ratings.insert().values(
                conversation_id=conversation_id, score=score, source=source, language=language,
                ticket_reference=ticket_reference, created_at=datetime.now(timezone.utc),
            )).inserted_primary_key[0]

    def add_comment(self, conversation_id: Text, comment: Text) -> bool:
        """Comment the conversation's latest rating (never one of another
        conversation: the id is looked up here, not taken from a slot)."""
        text = mask(" ".join(comment.split()))[:MAX_COMMENT_CHARS]
        latest = (sa.select(sa.func.max(ratings.c.id))
                  .where(ratings.c.conversation_id == conversation_id).scalar_subquery())
        with self.engine.begin() as connection:
            changed = connection.execute(ratings.update().where(
                ratings.c.id == latest, ratings.c.conversation_id == conversation_id,
                ratings.c.comment.is_(None)).values(comment=text)).rowcount
        return changed == 1

    def for_conversation(self, conversation_id: Text) -> List[Dict[Text, Any]]:
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(ratings).where(ratings.c.conversation_id == conversation_id)
                                      .order_by(ratings.c.id)).mappings()
            return [dict(row) for row in rows]
