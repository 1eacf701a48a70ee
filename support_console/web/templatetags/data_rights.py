"""Template tags for the data-rights parts of pages whose views belong to
others (the conversation page): is the user a lead, is this conversation
on legal hold."""
from django import template

from borrower_help.storage import erasure
from support_console.web.models import is_lead as _is_lead

register = template.Library()


@register.simple_tag
def legal_hold(conversation_id: str):
    return erasure.hold_of(conversation_id)


@register.simple_tag
def is_lead(user) -> bool:
    return _is_lead(user)
