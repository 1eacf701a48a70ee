"""The worker: Borrower Help's background jobs, one process per shape
(started by the launcher).

    python -m borrower_help.worker

- the helpdesk outbox: queued tickets posted to the lender's helpdesk
  (borrower_help.helpdesk), every few seconds;
- the reporting catch-up: the console's reporting tables brought up to date
  with the events written since the last run (borrower_help.reporting),
  every second, so a message is in the console's lists and search within
  about two seconds of being answered;
- the retention purge: conversations past lender.yml's retention_days
  deleted in batches (borrower_help.retention), at start and every hour
  (cheap when nothing is due: one indexed query).
"""
import logging
import signal
import sys
import time
from typing import Callable, List, Tuple

from borrower_help import helpdesk, log_masking, reporting, retention

logger = logging.getLogger("borrower_help.worker")
Job = Tuple[str, float, Callable[[], object]]  # name, every (seconds), what
RETENTION_EVERY_SECONDS = 3600.0


def jobs() -> List[Job]:
    return [("helpdesk outbox", 3.0, helpdesk.deliver_due),
            ("reporting catch-up", 1.0, reporting.catch_up),
            ("retention purge", RETENTION_EVERY_SECONDS, retention.run_scheduled)]


def run(stop_after: float = float("inf")) -> None:
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    due = {name: 0.0 for name, _, _ in jobs()}
    started = time.monotonic()
    while not stopping and time.monotonic() - started < stop_after:
        now = time.monotonic()
        for name, every, job in jobs():
            if now >= due[name]:
                try:
                    job()
                except Exception:  # one failing job must not stop the others
                    logger.exception("%s failed; trying again in %.0f s", name, every)
                due[name] = now + every
        time.sleep(0.25)


def main() -> int:
    log_masking.install()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-7s %(name)s - %(message)s",
                        stream=sys.stdout)
    logger.info("Worker started: %s", ", ".join(name for name, _, _ in jobs()))
    try:
        run()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
