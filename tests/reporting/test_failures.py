"""Dialogue failures found in the reporting model (model.py says what each is)."""
import time

from rasa.shared.core.events import ActionExecuted, ConversationPaused, ConversationResumed, SlotSet

from borrower_help.reporting import catchup, model, queries
from tests.reporting.conftest import bot, save_masked, user

HOUR = 3600


def kinds(url, now):
    return {kind: sorted((f.conversation_id, f.response, f.text) for f in
                         queries.dialogue_failures(kind, url=url, now=now, limit=100))
            for kind in model.DIALOGUE_FAILURES}


def test_each_kind_is_found_and_counted(any_database):
    url = any_database
    start = time.time() - 2 * HOUR
    save_masked(url, "lost-track", [
        user("hmm the thing", "affirm", 0.9), bot("Sorry, I lost track. Main topics:", "utter_core_fallback"),
        user("ok", "affirm"), bot("Good", "utter_good")], started=start)
    save_masked(url, "guard-default", [
        user("what now", "inform", 0.9), bot("I'm not sure I understood.", "utter_default"),
        user("phone", "report_phone_changed"), bot("Is a repayment due soon?", "utter_ask_repayment_due")],
        started=start)
    save_masked(url, "loop", [
        user("my code", "report_no_verification_code"),
        bot("Please answer yes or no.", "utter_please_answer_yes_no"),
        bot("Please answer yes or no.", "utter_please_answer_yes_no"),
        bot("Please answer yes or no.", "utter_please_answer_yes_no"),
        user("yes", "affirm"), bot("OK", "utter_ok"),
        # the same text again in the next turn starts a new count
        user("and?", "inform"), bot("OK", "utter_ok"), bot("OK", "utter_ok")], started=start)
    save_masked(url, "silent", [
        user("hello", "greet"), ActionExecuted("action_listen"),
        user("hello??", "greet"), bot("Hi!", "utter_greet"),
        user("still there", "inform")], started=start)
    save_masked(url, "waiting-agent", [
        user("human please", "request_human"), ConversationPaused(), user("hello?", "inform"),
        user("anyone?", "inform"), ConversationResumed(), bot("I'm back", "utter_back")], started=start)
    save_masked(url, "gave-up", [
        user("blorp", "nlu_fallback", 0.2), bot("Did you mean ...?", "utter_did_you_mean")], started=start)
    save_masked(url, "gave-up-just-now", [
        user("blorp", "nlu_fallback", 0.2), bot("Could you say it another way?", "utter_ask_rephrase")],
        started=time.time() - 30)
    save_masked(url, "came-back", [
        user("blorp", "nlu_fallback", 0.2), bot("Did you mean ...?", "utter_did_you_mean"),
        user("I changed my phone", "report_phone_changed"), SlotSet("language", "en"),
        bot("Is a repayment due soon?", "utter_ask_repayment_due")], started=start)
    catchup.catch_up(url)
    now = time.time()
    found = kinds(url, now)
    assert found[model.CORE_FALLBACK] == [
        ("guard-default", "utter_default", "I'm not sure I understood."),
        ("lost-track", "utter_core_fallback", "Sorry, I lost track. Main topics:")]
    assert found[model.REPEATED] == [("loop", "utter_please_answer_yes_no", "Please answer yes or no.")]
    # "hello" had no answer before "hello??"; "still there" has none after a minute;
    # nothing counts while an agent has the conversation.
    assert [c for c, _, _ in found[model.NO_REPLY]] == ["silent", "silent"]
    assert [(c, r) for c, r, _ in found[model.STOPPED]] == [("gave-up", "utter_did_you_mean")]
    counts = queries.dialogue_failure_counts(url=url, now=now)
    assert counts == {model.CORE_FALLBACK: 2, model.REPEATED: 1, model.NO_REPLY: 2, model.STOPPED: 1}
    # Later: the one that just gave up counts too.
    assert queries.dialogue_failure_counts(url=url, now=now + model.STOPPED_AFTER)[model.STOPPED] == 2


def test_messages_not_understood_are_grouped_by_text(any_database):
    url = any_database
    start = time.time() - HOUR
    save_masked(url, "a", [user("Blah  blah", "nlu_fallback", 0.3), user("/affirm", "affirm", 0.1)], started=start)
    save_masked(url, "b", [user("blah blah", "nlu_fallback", 0.25), SlotSet("language", "zh"),
                           user("我要还款 吗", "ask_repayment_options", 0.5)], started=start + 10)
    save_masked(url, "c", [user("all good", "affirm", 0.99)], started=start + 20)
    catchup.catch_up(url)
    groups = queries.failure_groups(url=url)
    assert [(g.text, g.count) for g in groups] == [("blah blah", 2), ("我要还款 吗", 1)]
    assert groups[0].conversations == ["a", "b"]
    assert groups[0].guesses == [("nlu_fallback", 0.25), ("nlu_fallback", 0.3)]  # the latest first
    assert groups[1].language == "zh"
    assert queries.failure_group_count(url=url) == 2
    assert [g.text for g in queries.failure_groups(offset=1, limit=1, url=url)] == ["我要还款 吗"]
