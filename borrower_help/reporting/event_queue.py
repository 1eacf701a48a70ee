"""The event queue of the production shape (RabbitMQ, `borrower_help_events`):
bounded, not read.

Every Rasa server publishes every event there (deploy/endpoints.prod.yml,
Rasa's PikaEventBroker) and nothing here consumes it: the console's
reporting model reads the `events` table instead (catchup.py), which holds
every event whichever server or tracker store wrote it, survives RabbitMQ
being down, and can be read again from the start (`rebuild`). The queue is
left for a lender's own analytics, and bounded so that nobody reading it
never hurts:

    max-length  MAX_LENGTH messages (about a day of a large lender's traffic)
    overflow    drop-head: the oldest message goes, publishing never waits

Set as a RabbitMQ *policy*, not as queue arguments: Rasa declares the queue
itself with no arguments (rasa/core/brokers/pika.py: declare_queue(name,
durable=True)), and RabbitMQ refuses a declaration whose x-arguments differ
from the queue's (PRECONDITION_FAILED), which would stop the broker from
connecting. A policy applies to the queue whoever declared it, and changes
take effect without redeclaring.

Why a full queue never delays a borrower's answer: Rasa publishes from a
background task (PikaEventBroker.publish creates a task and returns), and
with drop-head the queue is never over its limit, so RabbitMQ never raises
the memory or disk alarm that blocks publishers. tests/reporting/
test_event_queue.py shows both against the machine's RabbitMQ.

    python -m borrower_help.reporting.event_queue   # apply the policy (rabbitmqctl)
"""
import json
import os
import shutil
import subprocess
import sys
from typing import List

QUEUE = os.environ.get("RABBITMQ_QUEUE", "borrower_help_events")
MAX_LENGTH = int(os.environ.get("RABBITMQ_QUEUE_MAX_LENGTH", "1000000"))
POLICY = "borrower-help-events-bounded"


def definition(max_length: int = MAX_LENGTH) -> dict:
    return {"max-length": max_length, "overflow": "drop-head"}


def policy_command(queue: str = QUEUE, max_length: int = MAX_LENGTH, name: str = POLICY) -> List[str]:
    """The rabbitmqctl command that bounds `queue` (run where RabbitMQ runs)."""
    return ["rabbitmqctl", "set_policy", "--apply-to", "queues", "--priority", "10", name,
            f"^{queue}$", json.dumps(definition(max_length))]


def apply(queue: str = QUEUE, max_length: int = MAX_LENGTH, name: str = POLICY) -> None:
    command = policy_command(queue, max_length, name)
    command[0] = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
    subprocess.run(command, check=True, capture_output=True, timeout=60)


if __name__ == "__main__":
    apply()
    print(f"{QUEUE}: at most {MAX_LENGTH:,} messages, the oldest dropped first (policy {POLICY})")
    sys.exit(0)
