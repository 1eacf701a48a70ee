"""The pure parts of bench/: statistics, tables, the report file, scoring,
targets, the production summary, the capacity plan, /proc readings, profile
summaries and the scripted conversations."""
import math
import os
import subprocess
import sys

import pytest

from bench import conversations, load, procs, production, profile, report
from bench.load import has_handoff
from bench.nlu import accuracy_per_intent, attracting_intents, kept_out_share, overall_accuracy, stock_config

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


def test_entry_modules_are_not_counted_as_our_code_and_an_idle_sanic_loop_is_left_out():
    stacks = profile.parse_collapsed(
        "<module> (/w/rasa_extensions/server.py:80);serve (/v/site-packages/sanic/server/runners.py:9) 80\n"
        "<module> (/w/rasa_extensions/server.py:80);handle_message (rasa/core/processor.py:1) 15\n"
        "<module> (/w/actions/server.py:3);run (/w/actions/phone_changed.py:10) 3\n"
        "<module> (/w/rasa_extensions/server.py:80);check (/w/rasa_extensions/turn_guard.py:5) 1\n"
        "<module> (/w/rasa_extensions/server.py:80);save (/w/rasa_extensions/stores/masked_tracker_store.py:5) 1\n")
    summary = profile.summarise_profile(stacks)
    assert summary["samples"] == 20
    assert dict(summary["areas"]) == {"our actions (`actions/`)": 0.15,
                                      "our tracker store (`rasa_extensions/stores/`)": 0.05}


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


# --- /proc ------------------------------------------------------------------------

STAT = "1234 (rasa (worker) x) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 7 3 20 0 9 0 100 1000 200"


def test_stat_fields_survive_a_command_name_with_spaces_and_parentheses():
    fields = procs.stat_fields(STAT)
    assert fields[0] == "S" and fields[1] == "1"  # state, ppid
    assert procs.stat_cpu_ticks(STAT) == 300  # utime 250 + stime 50, not the children's 7 + 3


def test_descendants_follow_the_tree_not_the_process_group():
    parents = {10: 1, 11: 10, 12: 11, 13: 10, 20: 1, 21: 20}
    assert procs.descendants(parents, 10) == {10, 11, 12, 13}
    assert procs.descendants(parents, 21) == {21}
    assert procs.descendants(parents, 99) == {99}


def test_tree_rss_counts_a_child_in_the_same_process_group():
    child = subprocess.Popen([sys.executable, "-c", "import time; b = bytearray(60 * 2**20); time.sleep(30)"],
                             stdout=subprocess.PIPE)
    try:
        assert os.getpgid(child.pid) == os.getpgid(0)  # as the launcher starts its processes
        for _ in range(100):
            if procs.rss(child.pid) > 50 * 2**20:
                break
            procs.time.sleep(0.05)
        alone, tree = procs.rss(os.getpid()), procs.tree_rss(os.getpid())
        assert tree >= alone + 50 * 2**20
        assert procs.tree_rss(child.pid) == procs.rss(child.pid)
    finally:
        child.kill()
        child.wait()
    assert procs.rss(child.pid) == 0


def test_cpu_meter_sees_this_process_working():
    meter = procs.CpuMeter({"me": os.getpid(), "gone": 2**22 + 17}).start()
    before = procs.time.process_time()
    while procs.time.process_time() - before < 0.3:  # 0.3 s of CPU, however busy the machine is
        pass
    used = meter.stop()
    assert set(used) == {"me"}  # a pid that does not exist is left out
    assert used["me"]["cpu_s"] == pytest.approx(0.3, abs=0.05)
    assert 0 < used["me"]["cpu_pct"] <= 110


# --- targets, the production summary, the capacity plan ------------------------------

def level(msgs_per_s, p95_ms, errors=0, messages=None):
    return {"msgs_per_s": msgs_per_s, "p95_ms": p95_ms, "errors": errors,
            "messages": messages if messages is not None else int(msgs_per_s * 30)}


def test_targets_compare_with_the_stock_bot_of_the_same_run():
    ours = {10: level(30, 400), 50: level(31, 1600, errors=1)}
    stock = {10: level(30, 410), 50: level(40, 1000)}
    rows = load.evaluate_targets(ours, stock, rasa_peak=1_100 * 2**20, train_seconds=130, prod=None)
    met = {target: m for _, target, _, m in rows}
    assert list(met.values()) == [True, True, False, False, True, False]
    assert load.missed(rows, "default") and load.missed(rows, "train") and not load.missed(rows, "production")


def test_targets_not_measured_are_neither_met_nor_missed():
    rows = load.evaluate_targets({1: level(5, 50)}, {1: level(6, 40)}, rasa_peak=None, train_seconds=None,
                                 prod=None)
    assert all(m is None for _, _, _, m in rows)
    assert not load.missed(rows, "default")


def test_rss_target_is_1_2_decimal_gigabytes():
    rows = load.evaluate_targets({}, {}, rasa_peak=1_150 * 2**20, train_seconds=None, prod=None)
    assert [m for _, t, _, m in rows if "RSS" in t] == [False]  # 1150 MiB > 1.2e9 bytes


def run(repeat, instances, msgs_per_s, errors=0, rasa_cpu=20.0):
    names = [f"rasa-{5011 + i}" for i in range(instances)]
    cpu = {n: {"cpu_s": rasa_cpu, "cpu_pct": 66.0} for n in names}
    cpu.update({"actions": {"cpu_s": 3.0, "cpu_pct": 10.0}, "nginx": {"cpu_s": 1.0, "cpu_pct": 3.0},
                "load generator": {"cpu_s": 6.0, "cpu_pct": 20.0},
                "postgres 700": {"cpu_s": 2.0, "cpu_pct": 6.0}, "postgres 701": {"cpu_s": 1.0, "cpu_pct": 3.0}})
    return {"repeat": repeat, "instances": instances, "msgs_per_s": msgs_per_s, "messages": int(msgs_per_s * 30),
            "errors": errors, "cpu": cpu, "rasa_names": names, "p50_ms": 900.0, "p95_ms": 2000.0,
            "load": "1.00 1.00 1.00", "error_kinds": {"HTTP 503": errors} if errors else {}, "first_error": "",
            "rss": {**{n: 1_000 * 2**20 for n in names}, "actions": 130 * 2**20, "nginx": 5 * 2**20}}


def test_production_summary_takes_each_repeat_against_its_own_single_server_run():
    runs = [run(1, 1, 20), run(1, 2, 30), run(2, 2, 36), run(2, 1, 20), run(3, 1, 25), run(3, 2, 40, errors=2)]
    summary = load.production_summary(runs)
    assert summary["ratios"] == pytest.approx([1.5, 1.8, 1.6])
    assert summary["ratio"]["min"] == pytest.approx(1.5) and summary["ratio"]["median"] == pytest.approx(1.6)
    assert summary["ratio"]["max"] == pytest.approx(1.8) and summary["errors"] == 2
    assert summary["per_server"][1]["median"] == pytest.approx(20)
    assert summary["per_server"][2]["median"] == pytest.approx(18)
    # Per run, messages over CPU-seconds: Rasa 30, 22.5, 27, 30, 37.5, 30.
    assert summary["per_rasa_core"]["median"] == pytest.approx(30)
    # Both backends (3 CPU-s a run): 200, 300, 360, 200, 250, 400.
    assert summary["per_db_core"]["median"] == pytest.approx(275)
    # Rasa, actions, nginx; neither the database nor the load generator: 25, 20.5, 24.5, 25, 31.3, 27.3.
    assert summary["per_shape_core"]["median"] == pytest.approx(25)
    assert summary["peak_rss"] == {"Rasa server": 1_000 * 2**20, "action server": 130 * 2**20, "nginx": 5 * 2**20}
    rows = load.evaluate_targets({}, {}, None, None, summary)
    assert [m for g, _, _, m in rows if g == "production"] == [True, False]  # 1.6x met, errors not


def test_production_summary_ignores_a_repeat_missing_one_size():
    summary = load.production_summary([run(1, 1, 20), run(1, 2, 30), run(2, 1, 20)])
    assert summary["ratios"] == pytest.approx([1.5]) and summary["ratio"]["n"] == 1


def test_spread_and_its_format():
    assert report.spread([3, 1, 2, float("nan")]) == {"min": 1, "median": 2, "max": 3, "n": 3}
    assert report.spread([])["n"] == 0 and report.fmt_spread(report.spread([])) == "n/a"
    assert report.fmt_spread(report.spread([1.5, 1.7])) == "1.60× (min 1.50×, max 1.70×, 2 runs)"


def test_capacity_plan_counts_pods_at_the_utilisation_with_a_floor_of_two():
    plan = report.capacity_plan(1_000, 20, msgs_per_rasa_core_s=25, msgs_per_action_core_s=100,
                                rasa_rss=2**30, action_rss=2**27, utilisation=0.5)
    assert plan["msgs_per_s"] == 50
    assert plan["rasa_pods"] == 4 and plan["action_pods"] == 2 and plan["cores"] == 6  # 50 / (25 x 0.5)
    assert plan["memory"] == 4 * 2**30 + 2 * 2**27 and math.isnan(plan["db_cores"])
    with_db = report.capacity_plan(1_000, 20, 25, 100, 2**30, 2**27, 0.5, msgs_per_db_core_s=40)
    assert with_db["db_cores"] == 3 and with_db["cores"] == 9  # 50 / (40 x 0.5) = 2.5
    small = report.capacity_plan(100, 20, 25, 100, 2**30, 2**27, 0.5)
    assert small["rasa_pods"] == 2 and small["action_pods"] == 2
    unknown = report.capacity_plan(100, 20, float("nan"), 100, 2**30, 2**27)
    assert math.isnan(unknown["rasa_pods"])


def test_postgres_backends_are_found_by_their_database_name():
    assert procs.pids_whose_command_has(" no-such-database-here-ever ") == []
    assert os.getpid() in procs.pids_whose_command_has("pytest") or os.getpid() in procs.pids_whose_command_has(
        "python")
    assert math.isnan(load.postgres_cpu({"rasa-1": {"cpu_s": 1.0}}))


def test_process_kinds_of_the_launcher():
    assert load.kind("rasa-5011") == "Rasa server" and load.kind("actions") == "action server"
    assert load.kind("redis") == "Redis (private)"


def test_consecutive_free_ports_for_the_servers_behind_nginx():
    first = production.free_ports_in_a_row(2)
    assert production.port_free(first) and production.port_free(first + 1)


def test_py_spy_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PY_SPY", str(tmp_path / "missing"))
    assert profile.find_py_spy() is None
    monkeypatch.setenv("PY_SPY", sys.executable)
    assert profile.find_py_spy() == sys.executable


# --- the report as a whole ---------------------------------------------------------

def bot(levels, rasa_rss=1_100 * 2**20):
    result = load.BotResult(startup_seconds=20, peak_rss={"rasa": rasa_rss, "actions": 60 * 2**20})
    for users, (msgs_per_s, p95) in levels.items():
        result.levels[users] = {**report.summarise([p95 / 1000] * int(msgs_per_s * 30), 0, 30),
                                "conversations": 10, "handoffs": 2, "unexpected_handoffs": 0, "error_kinds": {},
                                "first_error": "", "rss": {"rasa": rasa_rss, "actions": 60 * 2**20},
                                "cpu": {"rasa": {"cpu_s": 25.0, "cpu_pct": 83.0},
                                        "actions": {"cpu_s": 1.0, "cpu_pct": 3.0}}}
        result.load[users] = "1.00 1.00 1.00"
    return result


def render(runs, note=""):
    args = load.argparse.Namespace(duration=30.0, timeout=30.0, repeat=3)
    meta = {"args": "", "when": "today", "model": "models/borrower-help.tar.gz", "model_size": 2**25,
            "stock_train": 60.0, "stock_size": 2**24, "our_train": 120.0, "our_trained_size": 2**25}
    ours, stock = bot({1: (20, 60), 10: (25, 500), 50: (24, 2500)}), bot({1: (40, 30), 10: (40, 400), 50: (40, 1500)})
    prod = load.production_summary(runs) if runs else None
    rows = load.evaluate_targets(ours.levels, stock.levels, ours.peak_rss["rasa"], meta["our_train"], prod)
    return load.render(args, meta, stock, ours, rows, runs, prod, note, ["profile lines"])


def test_report_with_the_production_shape_has_every_table():
    text = render([run(1, 1, 20), run(1, 2, 34)])
    for heading in ("### Targets", "### Production shape", "### Capacity plan figures", "### Training time",
                    "### Where the time goes (py-spy)"):
        assert heading in text
    assert "1.70× (min 1.70×, max 1.70×, 1 runs)" in text
    assert "| 10,000 | 500 |" in text and "| 66% + 66% |" in text and "| 9% |" in text  # PostgreSQL: 6% + 3%


def test_report_without_the_production_shape_says_why_and_plans_from_the_default_shape():
    text = render([], note="Skipped: not reachable or not installed: nginx.")
    assert "Skipped: not reachable or not installed: nginx." in text
    assert "the production shape did not run" in text and "| 1,000 | 50 |" in text
