"""The pure parts of bench/: statistics, tables, the report file, scoring,
profile summaries and the scripted conversations."""
import math
import os

import pytest

from bench import conversations, profile, report
from bench.load import has_handoff
from bench.nlu import accuracy_per_intent, attracting_intents, kept_out_share, overall_accuracy, stock_config
from bench.procs import group_rss

# --- percentiles and summaries -------------------------------------------------

@pytest.mark.parametrize("q, expected", [(0, 1), (50, 3), (100, 5), (25, 2), (90, 4.6)])
def test_percentile_interpolates_between_ranks(q, expected):
    assert report.percentile([5, 1, 4, 2, 3], q) == pytest.approx(expected)


def test_percentile_of_nothing_is_nan_and_of_one_value_is_that_value():
    assert math.isnan(report.percentile([], 95))
    assert report.percentile([0.2], 99) == 0.2


def test_summarise_counts_rate_and_reports_milliseconds():
    result = report.summarise([0.1, 0.2, 0.3, 0.4], errors=2, seconds=2.0)
    assert result["messages"] == 4 and result["errors"] == 2
    assert result["msgs_per_s"] == pytest.approx(2.0)
    assert result["p50_ms"] == pytest.approx(250)
    assert result["p99_ms"] == pytest.approx(397)


def test_ratio_is_nan_when_there_is_nothing_to_compare():
    assert report.ratio(30, 10) == 3
    assert math.isnan(report.ratio(30, 0))
    assert math.isnan(report.ratio(None, 10))
    assert math.isnan(report.ratio(float("nan"), 10))
    assert report.fmt_ratio(report.ratio(1, 0)) == "n/a"


# --- tables ----------------------------------------------------------------------

def test_table_is_markdown_with_right_aligned_numbers():
    lines = report.table(["a", "b"], [["x", 1]]).splitlines()
    assert lines == ["| a | b |", "| --- | ---: |", "| x | 1 |"]


def test_ratio_table_puts_ours_stock_and_ratio_side_by_side():
    ours = {10: {"msgs_per_s": 20.0, "p50_ms": 100.0, "p95_ms": 300.0, "p99_ms": 400.0, "errors": 1}}
    stock = {10: {"msgs_per_s": 40.0, "p50_ms": 50.0, "p95_ms": 100.0, "p99_ms": 100.0, "errors": 0}}
    header, rule, row = report.ratio_table(ours, stock).splitlines()
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert len(cells) == len([c for c in header.strip("|").split("|")])
    assert cells[:4] == ["10", "20.0", "40.0", "0.50×"]  # msgs/s
    assert cells[7:10] == ["300", "100", "3.00×"]  # p95
    assert cells[-3:] == ["1", "0", "–"]  # errors: no ratio


def test_ratio_table_marks_a_level_the_stock_bot_did_not_run():
    ours = {50: {"msgs_per_s": 1.0, "p50_ms": 1.0, "p95_ms": 1.0, "p99_ms": 1.0, "errors": 0}}
    row = report.ratio_table(ours, {}).splitlines()[2]
    assert "n/a" in row and "×" not in row


# --- the report file ----------------------------------------------------------------

def test_replace_section_appends_then_replaces_and_keeps_hand_written_text():
    document = "# Benchmarks\n\nHand-written notes.\n"
    once = report.replace_section(document, "bench-nlu", "NLU v1")
    assert "Hand-written notes." in once and "NLU v1" in once
    twice = report.replace_section(once + "\nMore notes.\n", "bench-nlu", "NLU v2")
    assert "NLU v1" not in twice and "NLU v2" in twice and "More notes." in twice
    assert twice.count("<!-- begin bench-nlu -->") == 1


def test_sections_are_independent():
    document = report.replace_section("", "bench-nlu", "nlu body")
    document = report.replace_section(document, "bench-load", "load body")
    document = report.replace_section(document, "bench-nlu", "new nlu body")
    assert "load body" in document and "new nlu body" in document and "nlu body\n" not in document.replace("new nlu body", "")
    assert document.index("bench-nlu") < document.index("bench-load")


def test_write_section_starts_a_new_file_with_the_header(tmp_path):
    path = tmp_path / "docs" / "benchmarks.md"
    report.write_section(path, "bench-load", "## Load\n\nfigures")
    text = path.read_text()
    assert text.startswith("# Benchmarks") and "figures" in text


def test_mib_and_top_counts():
    assert report.mib(3 * 2**20) == "3 MiB" and report.mib(None) == "n/a"
    assert report.top_counts(["b", "a", "b", "c", "a", "b"], 2) == ["b (3)", "a (2)"]


# --- NLU scoring ---------------------------------------------------------------

def test_kept_out_share_counts_out_of_scope_and_fallback():
    assert kept_out_share(["out_of_scope", "nlu_fallback", "report_fraud", "greet"]) == 0.5
    assert math.isnan(kept_out_share([]))


def test_attracting_intents_lists_only_wrong_flows():
    predictions = ["out_of_scope", "report_fraud", "nlu_fallback", "report_fraud", "ask_improve_credit"]
    assert attracting_intents(predictions) == ["report_fraud (2)", "ask_improve_credit (1)"]


def test_accuracy_per_intent_accepts_either_label_and_keeps_groups():
    examples = [("a", "ask_improve_credit|report_account_restricted"), ("b", "ask_improve_credit|report_account_restricted"),
                ("c", "report_id_expired"), ("d", "report_id_expired"), ("e", "out_of_scope")]
    predictions = ["report_account_restricted", "greet", "report_id_expired", "ask_renew_id", "nlu_fallback"]
    per_intent = accuracy_per_intent(examples, predictions)
    assert per_intent["ask_improve_credit|report_account_restricted"] == (2, 0.5)
    assert per_intent["report_id_expired"] == (2, 0.5)
    assert per_intent["out_of_scope"] == (1, 1.0)  # rejected counts as out of scope
    assert overall_accuracy(examples, predictions) == pytest.approx(0.6)


def test_stock_config_is_the_recipe_default_with_jieba_for_chinese():
    config, names = stock_config()
    pipeline = [c["name"] for c in config["pipeline"]]
    assert config["language"] == "zh" and "policies" not in config
    assert pipeline[0] == "JiebaTokenizer" and "WhitespaceTokenizer" not in pipeline
    assert pipeline[1:] == ["RegexFeaturizer", "LexicalSyntacticFeaturizer", "CountVectorsFeaturizer",
                            "CountVectorsFeaturizer", "DIETClassifier", "EntitySynonymMapper",
                            "ResponseSelector", "FallbackClassifier"]
    fallback = config["pipeline"][-1]
    assert (fallback["threshold"], fallback["ambiguity_threshold"]) == (0.3, 0.1)
    assert names.startswith("JiebaTokenizer → RegexFeaturizer")


# --- profile summaries -------------------------------------------------------------

COLLAPSED = """\
run (asyncio/base_events.py:1);handle_message (rasa/core/processor.py:169);_validate_action_result (rasa/core/actions/action.py:704);validate (jsonschema/validators.py:9) 30
run (asyncio/base_events.py:1);handle_message (rasa/core/processor.py:169);parse_message (rasa/core/processor.py:702);predict (/x/site-packages/tensorflow/x.py:3) 60
run (asyncio/base_events.py:1);select (selectors.py:2) 10
_bootstrap (threading.py:1);_worker (concurrent/futures/thread.py:81) 500
not a stack line
"""


def test_profile_summary_shares_by_stage_library_and_function():
    stacks = profile.parse_collapsed(COLLAPSED)
    assert len(stacks) == 4
    summary = profile.summarise_profile(stacks)
    assert summary["samples"] == 100  # the idle thread-pool worker is left out
    stages = dict(summary["stages"])
    assert stages["whole message (`MessageProcessor.handle_message`)"] == 0.9
    assert stages["NLU parse"] == 0.6
    assert any("jsonschema" in label and share == 0.3 for label, share in stages.items())
    assert dict(summary["areas"]) == {"TensorFlow": 0.6, "jsonschema": 0.3}
    assert summary["self"][0] == ("predict (tensorflow/x.py)", 0.6)


def test_our_actions_are_told_apart_from_rasas_action_modules():
    ours = "run (/work/main/actions/phone_changed.py:10) 5"
    rasas = "run (rasa/core/actions/forms.py:10) 5"
    assert dict(profile.summarise_profile(profile.parse_collapsed(ours))["areas"]) == {"our actions (`actions/`)": 1.0}
    assert profile.summarise_profile(profile.parse_collapsed(rasas))["areas"] == []


def test_render_profile_reports_busy_share():
    summary = profile.summarise_profile(profile.parse_collapsed(COLLAPSED))
    text = "\n".join(profile.render_profile("Rasa server", summary, seconds=2))
    assert "100 samples in 2 s" in text and "≈ 100% of one core" in text and "| NLU parse | 60% |" in text


# --- conversations and replies --------------------------------------------------------

def test_every_scripted_conversation_has_the_same_length():
    lengths = {len(c.messages) for c in conversations.OURS + conversations.STOCK}
    assert lengths == {6}


def test_our_scripts_cover_both_languages_and_the_headline_flows_equally():
    languages = [c.language for c in conversations.OURS]
    assert languages.count("en") == languages.count("zh") > 0
    for flow in ("phone changed", "ID expired", "repayment options"):
        assert {c.language for c in conversations.OURS if flow in c.name} == {"en", "zh"}
    assert any("/deny" in c.messages for c in conversations.OURS)
    assert all(c.ends_in_handoff == ("human" in c.name) for c in conversations.OURS)


def test_has_handoff_reads_the_custom_payload():
    handoff = [{"text": "ticket BH-1"}, {"custom": {"data": {"handoff": {"ticket_id": "BH-1"}}}}]
    assert has_handoff(handoff)
    assert not has_handoff([{"text": "hi", "buttons": []}, {"custom": {"data": {}}}])
    assert not has_handoff([])


def test_group_rss_sees_this_process():
    assert group_rss(os.getpgid(0)) > 0
