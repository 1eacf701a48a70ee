"""Reading the conversation's past from the tracker's events."""
from typing import Any, Dict, List

from rasa_sdk import Tracker


def turn_before_latest_message(tracker: Tracker) -> List[Dict[str, Any]]:
    """The events between the user's previous message and the latest one:
    what the bot (or an agent, or the console) did in between."""
    users = [i for i, event in enumerate(tracker.events) if event.get("event") == "user"]
    if not users:
        return []
    start = users[-2] + 1 if len(users) > 1 else 0
    return tracker.events[start:users[-1]]
