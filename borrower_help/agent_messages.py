"""What the bot tells the borrower when a person joins the chat (sent by
the console through Rasa's HTTP API when an agent takes or is handed the
ticket), in the conversation's language. Marked in the event's metadata
(`agent_joined`: the agent's name) so the widget can show who is with them."""
from typing import Dict, Text

JOINED: Dict[Text, Text] = {
    "en": "{agent} from our support team has joined the chat and will reply here.",
    "zh": "人工客服{agent}已加入对话，会在这里回复您。",
}


def joined(agent: Text, language: Text) -> Text:
    return JOINED.get(language, JOINED["en"]).format(agent=agent)
