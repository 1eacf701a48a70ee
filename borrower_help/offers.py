"""When the bot offers a person without being asked: one rule, one place.

Offered when the borrower shows frustration (borrower_help.frustration:
swearing, shouting, repeating, two misses, two unreadable answers), unless
- this reply already offers a person or hands over (at most one offer per
  reply: a second miss's own offer counts), or
- a person was offered in the borrower's last three turns (once is help,
  each time is nagging), or
- a person already has the conversation.
"""
from typing import Iterable, Sequence, Text

OFFERS = ("utter_offer_human", "utter_offer_human_after_misses", "utter_offer_human_frustrated")
HANDOFFS = ("utter_handoff_created", "utter_handoff_created_urgent", "utter_passed_to_agent")
TURNS_BETWEEN_OFFERS = 3


def should_offer(signals: Sequence[Text], this_reply: Iterable[Text], earlier_turns: Sequence[Iterable[Text]],
                 paused: bool) -> bool:
    """`this_reply`: the responses of this turn; `earlier_turns`: the
    responses of the previous turns, newest last."""
    if not signals or paused:
        return False
    if any(r in OFFERS or r in HANDOFFS for r in this_reply):
        return False
    recent = earlier_turns[-(TURNS_BETWEEN_OFFERS - 1):] if TURNS_BETWEEN_OFFERS > 1 else []
    return not any(r in OFFERS for turn in recent for r in turn)
