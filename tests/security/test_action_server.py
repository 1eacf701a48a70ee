"""Item 2: the action server listens on loopback only and runs actions only
for the Rasa server (the action token); actions trust no id in a slot."""
import pathlib

import requests

from borrower_help.keys import ACTION_TOKEN_HEADER

CALL = {"next_action": "action_handoff", "sender_id": "w-forged", "version": "3.6.2",
        "tracker": {"sender_id": "w-forged", "slots": {"language": "en"}, "latest_message": {
            "text": "agent", "intent": {"name": "request_human"}, "entities": []},
            "events": [], "paused": False, "latest_action_name": "action_listen", "active_loop": {}},
        "domain": {}}


def listening_addresses(port: int):
    """The local addresses listening on `port` (from /proc/net/tcp[6])."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in pathlib.Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # LISTEN
                found.append(address)
    return found


def test_it_listens_on_loopback_only(servers):
    addresses = listening_addresses(servers.settings.action_port)
    assert addresses and all(a in ("0100007F", "00000000000000000000000001000000") for a in addresses), addresses


def test_no_action_runs_without_the_token(servers):
    url = servers.action_url
    assert requests.post(url, json=CALL, timeout=10).status_code == 401
    assert requests.post(url, json=CALL, headers={ACTION_TOKEN_HEADER: "guess"}, timeout=10).status_code == 401
    actions = url.replace("/webhook", "/actions")
    assert requests.get(actions, timeout=10).status_code == 401
    assert requests.get(url.replace("/webhook", "/health"), timeout=10).status_code == 200
    from borrower_help.storage.tickets import TicketStore

    assert TicketStore(servers.db_url).open_for_conversation("w-forged") is None  # no forged ticket


def test_an_action_error_does_not_echo_the_request(servers):
    broken = {**CALL, "next_action": "action_store_rating", "tracker": None}
    token = servers.settings.process_env()["ACTION_SERVER_TOKEN"]
    answer = requests.post(servers.action_url, json=broken, headers={ACTION_TOKEN_HEADER: token}, timeout=10)
    assert answer.status_code >= 400 and "w-forged" not in answer.text
