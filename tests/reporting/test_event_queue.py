"""The event queue bounded by a RabbitMQ policy: Rasa's own broker still
declares its queue, publishing never waits, the queue keeps only the newest
messages. Against the machine's RabbitMQ (skipped, with the reason, without
one or without rabbitmqctl)."""
import asyncio
import secrets
import shutil
import subprocess
import time

import pytest

from borrower_help.reporting import event_queue

RABBITMQ = "amqp://guest:guest@127.0.0.1:5672/"


@pytest.fixture
def queue_name():
    if not shutil.which("rabbitmqctl") and not shutil.which("/usr/sbin/rabbitmqctl"):
        pytest.skip("rabbitmqctl not found")
    name = f"bh_test_events_{secrets.token_hex(4)}"
    policy = f"bh-test-{name}"
    try:
        event_queue.apply(name, max_length=20, name=policy)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        pytest.skip(f"cannot set a RabbitMQ policy here: {error}")
    yield name
    rabbitmqctl = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
    subprocess.run([rabbitmqctl, "clear_policy", policy], capture_output=True, timeout=60)
    for queue in (name, f"{name}-with-arguments"):
        subprocess.run([rabbitmqctl, "delete_queue", queue], capture_output=True, timeout=60)


async def _messages_in(name: str) -> int:
    import aio_pika

    connection = await aio_pika.connect_robust(RABBITMQ)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(name, durable=True, passive=True)
        count = queue.declaration_result.message_count
        await queue.delete(if_unused=False, if_empty=False)
    return count


def test_a_full_queue_keeps_the_newest_and_never_waits(queue_name):
    import rasa.shared.core.events  # noqa: F401  (the broker reads it when publishing)
    from rasa.core.brokers.pika import PikaEventBroker

    async def run():
        broker = PikaEventBroker("127.0.0.1", "guest", "guest", port=5672, queues=[queue_name],
                                 exchange_name=f"{queue_name}-exchange", connection_attempts=1)
        try:
            await broker.connect()
        except Exception as error:
            pytest.skip(f"no RabbitMQ at 127.0.0.1:5672: {error}")
        slowest = 0.0
        for i in range(200):  # ten times what the queue may hold
            started = time.perf_counter()
            broker.publish({"event": "user", "text": f"message {i}", "sender_id": "c-1"})
            slowest = max(slowest, time.perf_counter() - started)
        while broker._background_tasks:
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)
        channel = await broker._connection.channel()
        await channel.exchange_delete(f"{queue_name}-exchange")
        await broker.close()
        return slowest

    slowest = asyncio.run(run())
    assert slowest < 0.01  # publishing is a background task: the turn never waits for RabbitMQ
    assert asyncio.run(_messages_in(queue_name)) == 20  # bounded: the oldest were dropped


def test_the_bound_is_a_policy_because_queue_arguments_must_match_rasas(queue_name):
    """Rasa declares the queue with no arguments: a queue made with
    x-max-length refuses that declaration, so the bound cannot be an argument."""
    import aio_pika

    async def run():
        connection = await aio_pika.connect_robust(RABBITMQ)
        async with connection:
            channel = await connection.channel()
            other = f"{queue_name}-with-arguments"
            await channel.declare_queue(other, durable=True, arguments={"x-max-length": 20})
            try:
                with pytest.raises(aio_pika.exceptions.ChannelPreconditionFailed):
                    await channel.declare_queue(other, durable=True)  # what Rasa does
            finally:
                channel = await connection.channel()
                await channel.queue_delete(other)
            await channel.declare_queue(queue_name, durable=True)  # fine with a policy
            await channel.queue_delete(queue_name)

    try:
        asyncio.run(run())
    except ConnectionError as error:
        pytest.skip(f"no RabbitMQ: {error}")
