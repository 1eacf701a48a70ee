"""Persona files: every shipped persona loads, and a broken one is refused
with a message that says where and why."""
import copy

import pytest
import yaml

from evaluation.borrower import (
    PROBLEMS,
    Handoff,
    PersonaError,
    default_answer,
    load_personas,
    parse_persona,
    spec_steps,
    yes_no_payload,
)

GOOD = {
    "id": "en-test-phone",
    "language": "en",
    "persona": "test borrower",
    "problems": ["report_phone_changed"],
    "facts": {"repayment_due_soon": False, "can_log_in": False, "old_number_reachable": True},
    "opening": "I changed my number",
    "answers": {
        "utter_ask_phone_changed_form_repayment_due_soon": "no",
        "utter_ask_phone_changed_form_can_repay_now": "yes",
        "utter_ask_phone_changed_form_can_log_in": ["no", "no, really not"],
        "utter_ask_phone_changed_form_old_number_reachable": "the old SIM still works",
    },
    "expect": {"steps": ["utter_phone_steps_via_old_number"], "handoff": "none"},
}


def changed(**changes):
    raw = copy.deepcopy(GOOD)
    for key, value in changes.items():
        if value is None:
            raw.pop(key, None)
        else:
            raw[key] = value
    return raw


def test_the_shipped_personas_load():
    personas = load_personas()
    assert len(personas) >= 20
    assert len({p.id for p in personas}) == len(personas)
    assert {p.language for p in personas} == {"en", "zh"}


def test_a_good_persona_parses_with_its_answers_in_order():
    persona = parse_persona(copy.deepcopy(GOOD), "test.yml")
    q = "utter_ask_phone_changed_form_can_log_in"
    assert persona.answer_to(q, 0) == "no"
    assert persona.answer_to(q, 1) == "no, really not"
    assert persona.answer_to(q, 5) == "no, really not"  # the last line again
    assert persona.answer_to("utter_ask_solved", 0) is None
    assert persona.expect_handoff is None and persona.taps_buttons is False


@pytest.mark.parametrize("raw, message", [
    (changed(language="fr"), "language must be one of"),
    (changed(id="Bad Id"), "id must be"),
    (changed(opening=None), "'opening' is missing"),
    (changed(problems=["report_weather"]), "not SPEC problem intents"),
    (changed(facts={"repayment_due_soon": False}), "decide the advice"),
    (changed(facts={**GOOD["facts"], "likes_cats": True}), "unknown fact"),
    (changed(facts={**GOOD["facts"], "can_log_in": "no"}), "must be true or false"),
    (changed(answers={"utter_ask_phone_changed_form_repayment_due_soon": "no"}), "which the flow can ask"),
    (changed(answers={**GOOD["answers"], "utter_ask_favourite_colour": "blue"}), "not a response in domain"),
    (changed(answers={**GOOD["answers"], "utter_ask_solved": ""}), "non-empty"),
    (changed(expect={"steps": ["utter_phone_steps_identity_check"]}), "lacks ['utter_phone_steps_via_old_number']"),
    (changed(expect={"steps": ["utter_no_such_response"]}), "response names from domain"),
    (changed(expect={"steps": [], "handoff": "none"}), "nothing to judge"),
    (changed(expect={"steps": ["utter_phone_steps_via_old_number"], "handoff": {"reason": "bored", "priority": "high"}}),
     "reason must be one of"),
    (changed(volunteers=["has_new_id"]), "volunteers"),
    (changed(colour="blue"), "unknown keys"),
    (changed(persona="two\nlines"), "one line"),
])
def test_a_broken_persona_is_refused_with_the_reason(raw, message):
    with pytest.raises(PersonaError, match=message.replace("[", r"\[").replace("]", r"\]")) as error:
        parse_persona(raw, "broken.yml")
    assert "broken.yml" in str(error.value) and str(raw["id"]) in str(error.value)


def test_facts_that_force_a_handoff_must_expect_one():
    raw = changed(facts={"repayment_due_soon": True, "can_repay_now": False},
                  expect={"steps": ["utter_repay_without_sms"]})
    with pytest.raises(PersonaError, match="call for a handoff"):
        parse_persona(raw, "x.yml")
    raw["expect"]["handoff"] = {"reason": "repayment_due", "priority": "high"}
    assert parse_persona(raw, "x.yml").expect_handoff == Handoff("repayment_due", "high")


def test_spec_steps_follow_the_guided_flows():
    phone = ["report_phone_changed"]
    assert spec_steps(phone, {"repayment_due_soon": False, "can_log_in": True})[0] == [
        "utter_phone_steps_change_in_app"]
    assert spec_steps(phone, {"repayment_due_soon": True, "can_repay_now": True, "can_log_in": False,
                              "old_number_reachable": False})[0] == [
        "utter_repay_without_sms", "utter_phone_steps_identity_check"]
    assert spec_steps(["report_id_expired"], {"has_new_id": True, "id_updated_in_app": False})[0] == [
        "utter_id_update_steps"]
    # A login problem whose number changed is the phone flow.
    assert spec_steps(["report_login_failed"], {"uses_registered_number": False, "repayment_due_soon": False,
                                                "can_log_in": False, "old_number_reachable": True})[0] == [
        "utter_phone_steps_via_old_number"]


def test_a_file_without_a_personas_list_or_with_a_duplicate_id_is_refused(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("- id: x\n", encoding="utf-8")
    with pytest.raises(PersonaError, match="'personas' list"):
        load_personas([bad])
    twice = tmp_path / "twice.yml"
    twice.write_text(yaml.safe_dump({"personas": [GOOD, GOOD]}), encoding="utf-8")
    with pytest.raises(PersonaError, match="also in"):
        load_personas([twice])


def test_end_of_flow_answers_follow_what_the_persona_expects():
    plain = parse_persona(copy.deepcopy(GOOD), "x.yml")
    assert default_answer(plain, "utter_ask_solved", goals_met=True) == "yes that worked"
    assert default_answer(plain, "utter_ask_solved", goals_met=False) == "no, still not working"
    assert default_answer(plain, "utter_offer_human", goals_met=True) == "no thanks"
    wants = parse_persona(changed(expect={"steps": ["utter_phone_steps_via_old_number"],
                                          "handoff": {"reason": "not_solved", "priority": "normal"}}), "x.yml")
    assert default_answer(wants, "utter_ask_solved", goals_met=True) == "no, still not working"
    assert yes_no_payload(wants, "utter_offer_human", True) == "/affirm"
    assert yes_no_payload(plain, "utter_ask_phone_changed_form_can_log_in", True) == "/deny"
    assert yes_no_payload(plain, "utter_ask_phone_changed_form_old_number_reachable", True) == "/affirm"


def test_the_personas_cover_every_problem_and_every_branch_of_the_headline_flows_in_both_languages():
    personas = load_personas()
    assert len(personas) >= 60
    by_language = {lang: [p for p in personas if p.language == lang] for lang in ("en", "zh")}
    assert abs(len(by_language["en"]) - len(by_language["zh"])) <= 6
    for lang, group in by_language.items():
        assert set(PROBLEMS) <= {problem for p in group for problem in p.problems}, lang
        outcomes = {s for p in group for s in p.expect_steps} | {
            p.expect_handoff.reason for p in group if p.expect_handoff}
        for branch in ("utter_phone_steps_change_in_app", "utter_phone_steps_via_old_number",
                       "utter_phone_steps_identity_check", "utter_repay_without_sms", "repayment_due",
                       "utter_renew_id_steps", "utter_id_update_steps", "utter_id_review_explained"):
            assert branch in outcomes, (lang, branch)
        assert any(p.taps_buttons for p in group) and any(not p.taps_buttons for p in group)
        assert any(len(p.problems) > 1 for p in group), f"{lang}: two problems at once"
        assert any(p.volunteers for p in group), f"{lang}: facts volunteered up front"
