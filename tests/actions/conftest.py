"""Trackers and domains for action tests, built fresh for every test."""
import functools
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from tests.conftest import ROOT


@functools.lru_cache(maxsize=1)
def _domain_dict() -> Dict[str, Any]:
    from rasa.shared.core.domain import Domain

    return Domain.load(str(ROOT / "domain")).as_dict()


@pytest.fixture
def domain() -> Dict[str, Any]:
    import copy

    return copy.deepcopy(_domain_dict())


def user_event(text: str, intent: str, confidence: float = 0.95) -> Dict[str, Any]:
    return {
        "event": "user",
        "text": text,
        "parse_data": {"text": text, "intent": {"name": intent, "confidence": confidence}},
    }


def make_tracker(
    text: str = "",
    intent: str = "greet",
    slots: Optional[Dict[str, Any]] = None,
    events: Optional[List[Dict[str, Any]]] = None,
    sender_id: str = "test-user",
    active_loop: Optional[str] = None,
    new_slots: Optional[Dict[str, Any]] = None,
) -> Tracker:
    """A tracker whose latest user message is `text`; `new_slots` were
    extracted from it this turn (what a form validates)."""
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.95}, "entities": []}
    history = list(events or []) + [user_event(text, intent)]
    history += [{"event": "slot", "name": k, "value": v} for k, v in (new_slots or {}).items()]
    return Tracker(
        sender_id=sender_id,
        slots={"language": "en", **(slots or {}), **(new_slots or {})},
        latest_message=latest,
        events=history,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def responses(dispatcher: CollectingDispatcher) -> List[Optional[str]]:
    return [message.get("response") for message in dispatcher.messages]


def slot_events(events) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
