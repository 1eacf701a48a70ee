"""Borrowers' ratings of the help they got: after a flow ends solved (source
"bot") and after an agent resolved their ticket (source "agent"). One row per
rating in the `ratings` table, next to tickets and transcripts (same URL as
the ticket store); the support console counts them. Blocking calls: async
callers run them in a thread.
"""
import re
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Text

import sqlalchemy as sa

from actions.privacy import mask
from actions.tickets import store_url

BOT, AGENT = "bot", "agent"
MAX_COMMENT_CHARS = 1000

metadata = sa.MetaData()
ratings = sa.Table(
    "ratings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("score", sa.Integer, nullable=False),
    sa.Column("comment", sa.Text),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("ticket_reference", sa.String(16)),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

# Checked in this order: the negative phrases contain the positive words.
_WORDS = [
    (1, r"terrible|useless|awful|very bad|waste of time|非常不满意|很不满意|很差|太差|垃圾|没用"),
    (2, r"not (very |really )?(good|helpful)|poor|too slow|不太满意|不满意|不太好|太慢"),
    (5, r"excellent|perfect|amazing|very (good|helpful)|great|非常满意|很满意|太棒|特别好|非常好|超赞"),
    (4, r"\bgood\b|helpful|满意|不错|挺好"),
    (3, r"\bok(ay)?\b|so-so|average|一般|还行|凑合"),
]
_NUMBER = re.compile(r"(?<![\d.])([1-5])(?:\s*(?:/\s*5|out of 5|stars?|分|星|颗星))?(?![\d.])", re.I)
_STARS = re.compile(r"[⭐★]{1,5}")


def parse_score(text: Optional[Text]) -> Optional[int]:
    """1-5 from "5", "4/5", "3 stars", "★★★★", "五星", "非常满意", "terrible"..."""
    if not text:
        return None
    stars = _STARS.search(text)
    if stars:
        return len(stars.group())
    chinese = re.search(r"([一二三四五])\s*(?:星|颗星|分)", text)
    if chinese:
        return "一二三四五".index(chinese.group(1)) + 1
    number = _NUMBER.search(text)
    if number:
        return int(number.group(1))
    lowered = text.lower()
    for score, words in _WORDS:
        if re.search(words, lowered):
            return score
    return None


class RatingStore:
    def __init__(self, url: Optional[Text] = None) -> None:
        self.engine = sa.create_engine(url or store_url(), pool_pre_ping=True, future=True)
        metadata.create_all(self.engine)

    def add(self, conversation_id: Text, score: int, source: Text, language: Text,
            ticket_reference: Optional[Text] = None) -> int:
        if not 1 <= score <= 5 or source not in (BOT, AGENT):
            raise ValueError(f"a rating is 1-5 from {BOT!r} or {AGENT!r}, not {score!r} from {source!r}")
        with self.engine.begin() as connection:
            return connection.execute(ratings.insert().values(
                conversation_id=conversation_id, score=score, source=source, language=language,
                ticket_reference=ticket_reference, created_at=datetime.now(timezone.utc),
            )).inserted_primary_key[0]

    def add_comment(self, rating_id: int, comment: Text) -> None:
        text = mask(" ".join(comment.split()))[:MAX_COMMENT_CHARS]
        with self.engine.begin() as connection:
            connection.execute(ratings.update().where(ratings.c.id == rating_id).values(comment=text))

    def for_conversation(self, conversation_id: Text) -> List[Dict[Text, Any]]:
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(ratings).where(ratings.c.conversation_id == conversation_id)
                                      .order_by(ratings.c.id)).mappings()
            return [dict(row) for row in rows]


_store: Optional[RatingStore] = None


def get_rating_store() -> RatingStore:
    """The process-wide store, created on first use (never at import)."""
    global _store
    if _store is None:
        _store = RatingStore()
    return _store
