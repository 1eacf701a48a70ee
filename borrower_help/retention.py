"""How long conversations are kept, and erasure from the command line.

    python -m borrower_help.retention purge [--dry-run]
    python -m borrower_help.retention erase <conversation id | ticket reference> --by <name>
    python -m borrower_help.retention hold <conversation id> --by <name> --reason "<why>"
    python -m borrower_help.retention release <conversation id> --by <name>

The purge deletes every conversation whose last activity is older than
lender.yml's `retention_days`, except those with a ticket not resolved yet
or on legal hold, with the same deletion an erasure uses
(borrower_help/storage/erasure.py). It walks report_conversations by its
last-activity index, `batch` conversations per transaction, checks each
batch against `events` (the source of truth: no event newer than the
cut-off) in SQL, and never loads more than one batch of ids. The worker
runs it once a day (borrower_help/worker.py); its log line has counts only.
"""
import argparse
import getpass
import logging
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Text

import sqlalchemy as sa

from borrower_help import audit, lender, storage
from borrower_help.storage import erasure
from borrower_help.storage.schema import events, legal_holds, report_conversations, report_state, tickets

logger = logging.getLogger("borrower_help.retention")
BATCH = 500
DAY = 86_400.0
SYSTEM_ACTOR = "retention"


@dataclass
class Purged:
    conversations: int = 0
    batches: int = 0
    rows: Dict[Text, int] = field(default_factory=dict)
    skipped: Text = ""  # why nothing was done, when nothing was

    def describe(self, dry_run: bool = False) -> Text:
        if self.skipped:
            return f"Retention purge skipped: {self.skipped}"
        verb = "would remove" if dry_run else "removed"
        rows = ", ".join(f"{name} {count}" for name, count in sorted(self.rows.items())) or "no rows"
        return f"Retention purge {verb} {self.conversations} conversation(s) in {self.batches} batch(es): {rows}"


def _candidates(connection: sa.engine.Connection, cutoff: float, after: Optional[tuple], limit: int) -> List[tuple]:
    """The next `limit` conversations last active before `cutoff`, oldest
    first, after the keyset `after`, with their (last_activity, id)."""
    c = report_conversations.c
    query = sa.select(c.last_activity, c.conversation_id).where(c.last_activity < cutoff)
    if after is not None:
        query = query.where(sa.or_(c.last_activity > after[0],
                                   sa.and_(c.last_activity == after[0], c.conversation_id > after[1])))
    return [tuple(r) for r in connection.execute(query.order_by(c.last_activity, c.conversation_id).limit(limit))]


def _expired(connection: sa.engine.Connection, ids: List[Text], cutoff: float) -> List[Text]:
    """Those of `ids` with no newer event, no ticket waiting, no hold (SQL, by index)."""
    c = report_conversations.c
    newer_event = sa.select(sa.literal(1)).where(events.c.sender_id == c.conversation_id,
                                                 events.c.timestamp >= cutoff).exists()
    waiting = sa.select(sa.literal(1)).where(tickets.c.conversation_id == c.conversation_id,
                                             tickets.c.status != "resolved").exists()
    on_hold = sa.select(sa.literal(1)).where(legal_holds.c.conversation_id == c.conversation_id).exists()
    query = sa.select(c.conversation_id).where(c.conversation_id.in_(ids), ~newer_event, ~waiting, ~on_hold)
    return list(connection.execute(query).scalars())


def _rebuilding(connection: sa.engine.Connection) -> bool:
    last = connection.execute(sa.select(report_state.c.last_id).where(report_state.c.source == "events")).scalar()
    return last is not None and last < 0


def purge(now: Optional[float] = None, days: Optional[int] = None, batch: int = BATCH, dry_run: bool = False,
          url: Optional[Text] = None, clock: Callable[[], float] = time.time) -> Purged:
    """Delete the conversations past retention (see the module). `now` and
    `days` fix the clock and the period (tests); else the time and lender.yml."""
    days = days if days is not None else lender.current().retention_days
    cutoff = (now if now is not None else clock()) - days * DAY
    engine = storage.engine(url)
    done = Purged()
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table("report_conversations"):
            done.skipped = "the database has no reporting tables yet (run migrations)"
            return done
        if _rebuilding(connection):
            done.skipped = "the reporting model is being rebuilt; the next run will purge"
            return done
    after: Optional[tuple] = None
    while True:
        with engine.connect() as connection:
            found = _candidates(connection, cutoff, after, batch)
        if not found:
            break
        after = found[-1]
        ids = [conversation for _, conversation in found]
        if dry_run:
            with engine.connect() as connection:
                expired = _expired(connection, ids, cutoff)
        else:
            with engine.begin() as connection:
                erasure.begin_deleting(connection)
                expired = _expired(connection, ids, cutoff)
                removed = erasure.delete_conversations(connection, expired)
                if expired:
                    audit.record(SYSTEM_ACTOR, "purge", "batch", None,
                                 f"{len(expired)} conversations older than {days} days", connection=connection)
            for name, count in removed.items():
                done.rows[name] = done.rows.get(name, 0) + count
        if expired:
            done.conversations += len(expired)
            done.batches += 1
        if len(found) < batch:
            break
    if done.conversations and not dry_run:
        try:
            erasure.scrub(url)
        except sa.exc.SQLAlchemyError as error:
            logger.warning("Retention purge: clean-up after deleting failed (%s)", type(error).__name__)
    return done


def run_scheduled() -> None:
    """The worker's job: purge, and say how much went (counts only)."""
    done = purge()
    logger.info(done.describe())


def _cli_actor(given: Optional[Text]) -> Text:
    return f"cli:{given or getpass.getuser()}"


def main(argv: Optional[List[Text]] = None) -> int:
    from borrower_help import log_masking

    log_masking.install()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s - %(message)s", stream=sys.stderr)
    parser = argparse.ArgumentParser(prog="python -m borrower_help.retention",
                                     description="Retention purge, erasure and legal holds (DATABASE_URL).")
    commands = parser.add_subparsers(dest="command", required=True)
    purge_command = commands.add_parser("purge", help="delete conversations past lender.yml's retention_days")
    purge_command.add_argument("--dry-run", action="store_true", help="count what would go, delete nothing")
    purge_command.add_argument("--batch", type=int, default=BATCH, help=f"conversations per transaction ({BATCH})")
    erase_command = commands.add_parser("erase", help="erase one conversation and everything of it")
    erase_command.add_argument("identifier", help="a conversation id (w-…, r-…) or a ticket reference (BH-…)")
    erase_command.add_argument("--by", help="who asked (kept in the audit trail)")
    hold_command = commands.add_parser("hold", help="put a conversation on legal hold")
    hold_command.add_argument("conversation_id")
    hold_command.add_argument("--by")
    hold_command.add_argument("--reason", required=True)
    release_command = commands.add_parser("release", help="release a conversation's legal hold")
    release_command.add_argument("conversation_id")
    release_command.add_argument("--by")
    args = parser.parse_args(argv)
    if args.command == "purge":
        done = purge(dry_run=args.dry_run, batch=max(1, args.batch))
        print(done.describe(dry_run=args.dry_run))
        return 0
    if args.command == "erase":
        from borrower_help import forget

        try:
            result = erasure.erase(args.identifier, _cli_actor(args.by), "cli", forget=forget.in_assistant)
        except (erasure.ErasureError, forget.AssistantRefused) as error:
            print(f"Nothing erased: {error}", file=sys.stderr)
            return 1
        print(f"Erased {result.conversation} ({result.assistant}); tombstone {result.tombstone}; "
              f"rows: {sum(result.removed.values())}")
        return 0
    if args.command == "hold":
        changed = erasure.set_hold(args.conversation_id, _cli_actor(args.by), args.reason)
        print("On legal hold." if changed else "Already on legal hold.")
        return 0
    changed = erasure.release_hold(args.conversation_id, _cli_actor(args.by))
    print("Hold released." if changed else "It was not on hold.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
