"""Every example in docs/api.md, run against a real server, in the order the
page tells them; the JSON printed after an example must match the answer.

Matching: the documented keys must be present with the same JSON types; lists
shown with items must have as many items (at least as many when the list ends
with "..."); payloads, event and intent names,
handoff reasons and priorities, integers (status codes) and booleans must be
equal. Other strings are illustrations (ticket references, long texts)."""
import json
import os
import re
import secrets
import subprocess
import sys

import pytest
import requests

from borrower_help.api_token import bearer_token
from tests.conftest import ROOT

DOC = ROOT / "docs" / "api.md"
DOC_BASE = "http://localhost:5005"
HANDED_OVER = "c9f0f895fb98ab91"  # the sender of the doc's handoff example
EXACT_KEYS = {"payload", "event", "name", "reason", "priority", "source", "paused"}
_BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
_DOC_SENDER = re.compile(r"\b[0-9a-f]{16}\b")
_TABLE_ROW = re.compile(r"^\| (GET|POST|PUT / DELETE|PUT|DELETE) \| `([^`]+)` \| (public|token) \|", re.M)


def examples():
    """(language, code, documented JSON or None), in document order."""
    blocks = _BLOCK.findall(DOC.read_text())
    found = []
    for i, (language, code) in enumerate(blocks):
        if language not in ("bash", "python"):
            continue
        following = blocks[i + 1] if i + 1 < len(blocks) else ("", "")
        found.append((language, code, json.loads(following[1]) if following[0] == "json" else None))
    return found


def matches(documented, actual, path="$"):
    if isinstance(documented, dict):
        assert isinstance(actual, dict), f"{path}: expected an object, got {actual!r}"
        for key, value in documented.items():
            assert key in actual, f"{path}: no {key!r} in {sorted(actual)}"
            if key in EXACT_KEYS and not isinstance(value, (dict, list)):
                assert actual[key] == value, f"{path}.{key}: {actual[key]!r} != {value!r}"
            else:
                matches(value, actual[key], f"{path}.{key}")
    elif isinstance(documented, list):
        assert isinstance(actual, list), f"{path}: expected a list, got {actual!r}"
        abridged = bool(documented) and documented[-1] == "..."
        shown = documented[:-1] if abridged else documented
        if shown:
            if abridged:
                assert len(actual) >= len(shown), f"{path}: {len(actual)} items, documented {len(shown)}+"
            else:
                assert len(actual) == len(shown), f"{path}: {len(actual)} items, documented {len(shown)}: {actual!r}"
            for i, (d, a) in enumerate(zip(shown, actual)):
                matches(d, a, f"{path}[{i}]")
    elif isinstance(documented, int):  # status codes, and booleans (bool is an int)
        assert actual == documented, f"{path}: {actual!r} != {documented!r}"
    elif isinstance(documented, float):
        assert isinstance(actual, (int, float)), f"{path}: {actual!r} is not a number"
    elif isinstance(documented, str):
        assert isinstance(actual, str), f"{path}: {actual!r} is not a string"
    else:
        assert actual is None, f"{path}: {actual!r} is not null"


def run(language, code, servers, senders):
    code = code.replace(DOC_BASE, servers.url)
    code = _DOC_SENDER.sub(lambda m: senders.setdefault(m.group(), "doc-" + secrets.token_hex(12)), code)
    command = ["bash", "-euo", "pipefail", "-c", code] if language == "bash" else [sys.executable, "-c", code]
    env = {**os.environ, "RASA_API_TOKEN": bearer_token("docs", 600, secret=servers.api_secret)}
    if HANDED_OVER in senders:  # $CONVERSATION: the handed-over conversation's id
        env["CONVERSATION"] = servers.conversation(senders[HANDED_OVER])
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, f"example failed:\n{code}\n{done.stderr}"
    return done.stdout


def test_every_example_in_the_api_doc_works_as_documented(servers):
    found = examples()
    assert len(found) >= 10, "docs/api.md lost its examples"
    assert {language for language, _, _ in found} == {"bash", "python"}
    senders = {}  # the doc's sender ids -> fresh ones, the same within this run
    for language, code, documented in found:
        output = run(language, code, servers, senders)
        if documented is None:
            continue
        last_line = output.strip().splitlines()[-1]
        try:
            actual = json.loads(last_line)
        except ValueError:
            pytest.fail(f"example printed no JSON:\n{code}\n---\n{output}")
        matches(documented, actual, path=code.strip().splitlines()[0][:60])


def test_the_endpoint_table_says_which_endpoints_need_the_token(servers):
    rows = _TABLE_ROW.findall(DOC.read_text())
    assert len(rows) >= 12
    for method, path, access in rows:
        method = method.split(" / ")[0]
        url = servers.url + path.replace("{id}", "doc-" + secrets.token_hex(8))
        response = requests.request(method, url, timeout=30, json={} if method != "GET" else None)
        if access == "token":
            assert response.status_code == 401, f"{method} {path} answered {response.status_code} without a token"
        else:
            assert response.status_code != 401, f"{method} {path} should be public"
