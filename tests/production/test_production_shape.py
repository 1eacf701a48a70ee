"""Several Rasa servers on shared stores, and the faults they must survive.
Each test bounds its traffic (a few dozen messages) and its time, and talks
only to loopback. The test that kills a server runs last."""
import asyncio
import json
import re
import secrets
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import requests
import socketio

from borrower_help.conversation_ids import for_widget as conversation_id


def say(url, sender, message, timeout=60):
    response = requests.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": message},
                             timeout=timeout)
    response.raise_for_status()
    return response.json()


def user_texts(events):
    return [e["text"] for e in events if e["event"] == "user"]


def server_urls(cluster):
    return [f"http://127.0.0.1:{port}" for port in cluster.rasa_ports]


def test_a_conversation_alternating_between_servers_keeps_its_form_progress(cluster):
    first, second = server_urls(cluster)
    sender = "prod-" + secrets.token_hex(8)
    say(first, sender, "I changed my phone number and can't get the code to repay")
    assert cluster.tracker(sender)["slots"]["requested_slot"] == "repayment_due_soon"
    say(second, sender, "no, nothing due this week")
    say(first, sender, "no, I can't log in")
    steps = say(second, sender, "yes, the old SIM still works")
    assert any("old number" in (m.get("text") or "") for m in steps)
    state = cluster.tracker(sender, cluster.rasa_ports[0])
    assert state["slots"]["can_log_in"] is False and state["slots"]["old_number_reachable"] is True
    assert len(user_texts(state["events"])) == 4


def test_concurrent_messages_to_one_conversation_are_handled_one_at_a_time(cluster):
    """Ten messages at once, half through each server: each is processed
    whole before the next (the lock store), none lost or doubled."""
    sender = "prod-" + secrets.token_hex(8)
    urls = server_urls(cluster)
    say(urls[0], sender, "hello")
    messages = [f"what are the ways to repay, question {i}" for i in range(10)]
    with ThreadPoolExecutor(max_workers=10) as pool:
        replies = list(pool.map(lambda i: say(urls[i % 2], sender, messages[i], timeout=180), range(10)))
    assert all(replies), "every message got an answer"

    events = cluster.tracker(sender)["events"]
    assert sorted(user_texts(events)[1:]) == sorted(messages)
    # One turn at a time: after each user message the bot acts and listens
    # before the next user message is taken in.
    turns = [e for e in events if e["event"] in ("user", "action") and
             (e["event"] == "user" or e["name"] == "action_listen")]
    kinds = [e["event"] for e in turns[turns.index(next(e for e in turns if e["event"] == "user")):]]
    assert kinds == ["user", "action"] * 11, kinds


async def test_an_agent_reply_reaches_the_widget_through_any_server(cluster):
    """The widget's socket is on one server; the agent's reply goes through the
    other server's HTTP API and still arrives (socket.io Redis manager)."""
    first, second = server_urls(cluster)
    client, replies = socketio.AsyncClient(), asyncio.Queue()
    client.on("bot_uttered", replies.put)
    token = secrets.token_hex(16)
    await client.connect(first, transports=["websocket"])
    try:
        await client.emit("session_request", {"session_id": token})
        await client.emit("user_uttered", {"message": "I want to talk to a human", "session_id": token})
        while "handoff" not in await asyncio.wait_for(replies.get(), 60):
            pass
        conversation = conversation_id(token, cluster.session_key.encode())
        response = await asyncio.to_thread(
            requests.post, f"{second}/conversations/{conversation}/tracker/events",
            headers=cluster.headers(), params={"output_channel": "socketio", "execute_side_effects": "true"},
            json={"event": "bot", "text": "Hi, Mei here from support.", "metadata": {"source": "agent", "agent": "Mei"}},
            timeout=30)
        assert response.status_code == 200
        while True:
            message = await asyncio.wait_for(replies.get(), 30)
            if message.get("text") == "Hi, Mei here from support.":
                assert message["metadata"]["source"] == "agent"
                break
    finally:
        await client.disconnect()


def test_rabbitmq_stopped_chat_goes_on_and_events_flow_again(cluster):
    sender = "prod-" + secrets.token_hex(8)
    say(cluster.url, sender, "hello")
    queue = cluster.values["RABBITMQ_QUEUE"]
    subprocess.run(["rabbitmqctl", "stop_app"], check=True, capture_output=True, timeout=120)
    try:
        during = say(cluster.url, sender, "what are the ways to repay")
        assert during, "the bot still answers while RabbitMQ is down"
    finally:
        subprocess.run(["rabbitmqctl", "start_app"], check=True, capture_output=True, timeout=180)
    logs = cluster.logs("rasa-")
    assert re.search(r"(?i)pika|rabbit|publish", logs), "the outage is in the log"
    say(cluster.url, sender, "thanks")
    # Events sent during and after the outage reach the queue.
    deadline = time.monotonic() + 90
    texts = []
    while time.monotonic() < deadline and not {"what are the ways to repay", "thanks"} <= set(texts):
        texts = [event.get("text") for event in drain(queue)
                 if event.get("sender_id") == cluster.conversation(sender)] + texts
        time.sleep(2)
    assert {"what are the ways to repay", "thanks"} <= set(texts)


def drain(queue):
    """The events waiting in the queue (consumed)."""
    import aio_pika

    async def consume():
        connection = await aio_pika.connect_robust("amqp://guest:guest@127.0.0.1:5672/", timeout=10)
        async with connection:
            channel = await connection.channel()
            q = await channel.declare_queue(queue, durable=True)
            events = []
            while True:
                message = await q.get(no_ack=True, fail=False, timeout=5)
                if message is None:
                    return events
                events.append(json.loads(message.body))

    return asyncio.run(consume())


def test_postgresql_restarted_during_traffic_loses_no_acknowledged_message(cluster):
    sender = "prod-" + secrets.token_hex(8)
    acknowledged, refused = [], []

    def send(i):
        text = f"how can I repay, attempt {i}"
        try:
            if say(cluster.url, sender, text, timeout=60):
                acknowledged.append(text)
        except requests.RequestException as error:
            refused.append((text, str(error)))

    say(cluster.url, sender, "hello")
    restart = subprocess.Popen(["bash", "-c", "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main restart"])
    for i in range(12):
        send(i)
        time.sleep(0.5)
    assert restart.wait(timeout=120) == 0
    for i in range(12, 15):
        send(i)  # after the restart
    assert {f"how can I repay, attempt {i}" for i in range(12, 15)} <= set(acknowledged)
    stored = user_texts(cluster.tracker(sender)["events"])
    missing = [text for text in acknowledged if text not in stored]
    assert missing == [], f"acknowledged but not stored: {missing}; refused during the outage: {refused}"


def test_postgresql_down_longer_gets_a_clear_error_and_nothing_half_done(cluster):
    """Down longer than the store's retries: the message is refused with 503
    and a sentence, not answered and forgotten; afterwards the conversation
    goes on where it was."""
    sender = "prod-" + secrets.token_hex(8)
    say(cluster.url, sender, "my ID card expired and my credit line won't open")
    pg = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main"
    subprocess.run(["bash", "-c", f"{pg} stop"], check=True, timeout=120)
    try:
        refused = requests.post(f"{cluster.url}/webhooks/rest/webhook", timeout=90,
                                json={"sender": sender, "message": "yes I have the new card"})
    finally:
        subprocess.run(["bash", "-c", f"{pg} start"], check=True, timeout=120)
    assert refused.status_code == 503
    assert "did not keep it" in refused.json()["error"] and refused.headers["Retry-After"]

    again = say(cluster.url, sender, "yes I have the new card")
    assert any(m.get("buttons") for m in again)  # the form's next question
    assert user_texts(cluster.tracker(sender)["events"]) == [
        "my ID card expired and my credit line won't open", "yes I have the new card"]


def test_a_server_killed_mid_conversation_the_other_carries_on(cluster):
    sender = "prod-" + secrets.token_hex(8)
    first_port = cluster.rasa_ports[0]
    say(f"http://127.0.0.1:{first_port}", sender, "my ID card expired and my credit line won't open")
    cluster.kill_rasa(first_port)
    # Through the load balancer, which now finds only the other server.
    question = say(cluster.url, sender, "yes I already have the new card")
    assert question and any(m.get("buttons") for m in question)
    state = cluster.tracker(sender)
    assert state["slots"]["has_new_id"] is True
    assert user_texts(state["events"]) == ["my ID card expired and my credit line won't open",
                                           "yes I already have the new card"]

    # The console reads PostgreSQL, and reaches Rasa through nginx: with a
    # server down it still shows the conversation and still works tickets.
    console = requests.Session()
    base = f"http://127.0.0.1:{cluster.values['CONSOLE_PORT']}"
    subprocess.run([sys.executable, "-m", "support_console.manage", "createuser", "lan", "--role", "lead",
                    "--password-stdin"], input="a-long-enough-passphrase\n", text=True, check=True,
                   env=cluster.settings.process_env(), capture_output=True, timeout=60)
    login = console.get(f"{base}/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    console.post(f"{base}/login/", data={"username": "lan", "password": "a-long-enough-passphrase",
                                         "csrfmiddlewaretoken": token}, headers={"Referer": f"{base}/login/"},
                 timeout=30)
    page = console.get(f"{base}/conversations/{cluster.conversation(sender)}/", timeout=30)
    assert page.status_code == 200 and "yes I already have the new card" in page.text

    handoff = say(cluster.url, sender, "I want to talk to a human")
    reference = [m["custom"]["data"]["handoff"]["ticket_id"] for m in handoff if m.get("custom")][0]
    assert reference in console.get(f"{base}/", timeout=30).text
    csrf = console.cookies["csrftoken"]
    headers = {"X-CSRFToken": csrf, "Referer": base}
    console.post(f"{base}/tickets/{reference}/take/", headers=headers, timeout=30)
    console.post(f"{base}/tickets/{reference}/reply/", data={"text": "Hello from Lan"}, headers=headers, timeout=30)
    console.post(f"{base}/tickets/{reference}/resolve/", headers=headers, timeout=30)
    state = cluster.tracker(sender)
    assert state["paused"] is False
    assert "Hello from Lan" in [e.get("text") for e in state["events"] if e["event"] == "bot"]
