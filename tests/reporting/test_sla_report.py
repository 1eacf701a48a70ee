"""The share of deadlines met per week, in SQL, on SQLite and PostgreSQL."""
from datetime import datetime, timedelta, timezone

from borrower_help.storage import sla_report
from borrower_help.storage.tickets import TicketStore
from borrower_help.storage.tickets import tickets as tickets_table


def test_deadlines_met_per_week(any_database):
    url = any_database
    store = TicketStore(url)
    now = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)  # a Friday
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
    last_week = monday - timedelta(days=7)
    cases = [  # created, first reply after (min), due after (min), reason, resolved after (days)
        (monday, 5, 10, "request_human", None),
        (monday, 30, 10, "request_human", None),      # late
        (monday, None, 10, "request_human", None),    # never answered, past due: missed
        (now - timedelta(minutes=1), None, 10, "request_human", None),  # due ahead: not counted yet
        (last_week, 5, 10, "complaint", 3),          # complaint resolved in time
        (last_week, 5, 10, "complaint", None),       # open complaint, due in 15 days: not counted
    ]
    for created, replied, due, reason, resolved in cases:
        reference = store.create("w-1", reason, "high", "en", None, {}, "x")["reference"]
        values = {"created_at": created, "first_response_due": created + timedelta(minutes=due),
                  "first_response_at": None if replied is None else created + timedelta(minutes=replied),
                  "resolution_due": created + timedelta(days=15) if reason == "complaint" else None,
                  "resolved_at": None if resolved is None else created + timedelta(days=resolved)}
        with store.engine.begin() as connection:
            connection.execute(tickets_table.update().where(tickets_table.c.reference == reference).values(**values))
    weeks = sla_report.by_week(now - timedelta(weeks=4), now, url=url)
    assert [w["week"] for w in weeks] == ["2026-11-16", "2026-11-23"]
    earlier, this = weeks
    assert (earlier["first_response_met"], earlier["first_response_due"]) == (2, 2)
    assert (earlier["complaints_met"], earlier["complaints_due"], earlier["complaints_share"]) == (1, 1, 1.0)
    assert (this["first_response_met"], this["first_response_due"], this["first_response_share"]) == (1, 3, 0.333)
    assert this["complaints_share"] is None
