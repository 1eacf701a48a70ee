"""Giving a conversation back to the bot when an agent is done: the one way
both the console and the terminal tool resolve a ticket."""
from typing import Any, Dict, Optional

from borrower_help.storage.tickets import TicketStore
from support_console.rasa_api import RasaApi


def resolve(ticket: Dict[str, Any], api: Optional[RasaApi] = None,
            store: Optional[TicketStore] = None) -> Dict[str, Any]:
    """The bot first (one call), then the ticket: a ticket marked resolved
    while the chat stays paused would leave the borrower talking to nobody.
    Raises RasaUnavailable, with the ticket left open, when the bot cannot."""
    (api or RasaApi()).resume(ticket["conversation_id"])
    resolved = (store or TicketStore()).resolve(ticket["reference"])
    assert resolved is not None
    return resolved
