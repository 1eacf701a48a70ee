"""What a kept tracker saves (`python bench/tracker_reuse.py`).

The tracker store (rasa_extensions/stores/recent_trackers.py) hands out the
tracker it saved last turn when the database still holds the same events,
instead of reading the session's events from SQL and replaying them. Here,
on a throw-away SQLite file and the project's domain, conversations of 3, 8,
15 and 30 turns are saved, then read back both ways; CPU time per read,
median of 50. Prints a table; writes nothing.
"""
import asyncio
import logging
import os
import pathlib
import statistics
import sys
import tempfile
import time
from typing import Dict, List

ROOT = pathlib.Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.report import table  # noqa: E402

TURNS = (3, 8, 15, 30)
READS = 50


def turn_events(i: int, intents: List[str]) -> list:
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

    ranking = [{"name": name, "confidence": 0.02} for name in intents[:10]]
    parse = {"intent": {"name": "affirm", "confidence": 0.9}, "intent_ranking": ranking, "entities": [],
             "text": f"yes that is right, turn {i}"}
    return [UserUttered(parse["text"], parse["intent"], parse_data=parse), SlotSet("language", "en"),
            ActionExecuted("utter_ask_solved"),
            BotUttered("Did that solve it? " * 4, metadata={"utter_action": "utter_ask_solved"}),
            ActionExecuted("action_listen")]


async def measure(store, domain, turns: int) -> Dict[str, float]:
    from rasa.shared.core.events import ActionExecuted
    from rasa.shared.core.trackers import DialogueStateTracker

    sender = f"bench-{turns}"
    events = [ActionExecuted("action_listen")] + [e for i in range(turns) for e in turn_events(i, domain.intents)]
    await store.save(DialogueStateTracker.from_events(sender, events, domain.slots))
    seconds: Dict[str, List[float]] = {"from SQL": [], "kept": []}
    for _ in range(READS):
        for way in seconds:
            if way == "from SQL":
                store.recent.drop(sender)
            started = time.process_time()
            tracker = await store.retrieve(sender)
            seconds[way].append(time.process_time() - started)
            await store.save(tracker)  # nothing new; kept again
    return {"events": len(events), **{way: statistics.median(s) * 1000 for way, s in seconds.items()}}


async def main() -> None:
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.db"
        from rasa.shared.core.domain import Domain

        from rasa_extensions.stores.masked_tracker_store import MaskedSQLTrackerStore

        domain = Domain.load(str(ROOT / "domain"))
        store = MaskedSQLTrackerStore(domain=domain)
        rows = []
        for turns in TURNS:
            m = await measure(store, domain, turns)
            rows.append([turns, m["events"], f"{m['from SQL']:.2f}", f"{m['kept']:.2f}",
                         f"{m['from SQL'] / m['kept']:.1f}×"])
        print(table(["turns", "events", "ms CPU, read from SQL and replayed", "ms CPU, kept tracker",
                     "saved"], rows))


if __name__ == "__main__":
    asyncio.run(main())
