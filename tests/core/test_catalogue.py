"""The catalogue of problems and the Rasa domain name the same intents."""
import yaml

from borrower_help import catalogue
from tests.conftest import ROOT


def domain_intents():
    found = set()
    for path in (ROOT / "domain").glob("*.yml"):
        for intent in (yaml.safe_load(path.read_text()) or {}).get("intents") or []:
            found.add(intent if isinstance(intent, str) else next(iter(intent)))
    return found


def test_every_catalogued_intent_is_in_the_domain():
    assert set(catalogue.PROBLEMS) <= domain_intents()
    assert set(catalogue.HANDOFF_BY_INTENT) - {"nlu_fallback"} <= domain_intents()


def test_every_flow_answer_is_a_slot():
    slots = set()
    for path in (ROOT / "domain").glob("*.yml"):
        slots |= set((yaml.safe_load(path.read_text()) or {}).get("slots") or {})
    assert set(catalogue.ANSWER_SLOTS) <= slots


def test_queue_order_puts_urgent_first():
    assert catalogue.priority_rank("high") < catalogue.priority_rank("normal") < catalogue.priority_rank("?")
