"""The random conversation generator: deterministic per seed, bounded, both
languages, every kind of move; and the per-turn checks, without servers."""
from collections import Counter

from evaluation import random_conversations as rc


def test_the_same_seed_gives_the_same_conversations():
    assert rc.generate(7, 30) == rc.generate(7, 30)
    assert rc.script("7-3") == rc.generate(7, 5)[3]  # one conversation replays on its own
    assert rc.generate(7, 30) != rc.generate(8, 30)


def test_conversations_are_bounded_and_cover_every_kind_and_both_languages():
    scripts = rc.generate(1, 300, max_messages=6)
    assert all(1 <= len(s.moves) <= 6 for s in scripts)
    assert {s.language for s in scripts} == {"en", "zh"}
    kinds = Counter(m.kind for s in scripts for m in s.moves)
    assert set(kinds) == set(rc.WEIGHTS)
    texts = {m.text for s in scripts for m in s.moves}
    assert {"yes ok", "嗯嗯", "start over"} & texts
    assert all(m.text is None for s in scripts for m in s.moves if m.kind == "tap")


def test_every_pool_has_both_languages_and_the_acknowledgements_of_the_spec():
    for kind, pool in rc.POOLS.items():
        assert pool["en"] and pool["zh"], kind
    assert {"yes ok", "ok", "nope that's all", "ok thanks"} <= set(rc.POOLS["ack"]["en"])
    assert {"嗯嗯", "行", "好的"} <= set(rc.POOLS["ack"]["zh"])
    assert "你帮我找个真人吧" in rc.POOLS["person"]["zh"]


def test_a_tap_takes_one_of_the_buttons_just_sent_or_nothing():
    replies = [{"text": "?", "buttons": [{"title": "Yes", "payload": "/affirm"},
                                         {"title": "No", "payload": "/deny"}]}]
    assert rc.tap_payload(rc.Move("tap", None, 3), replies) == "/deny"
    assert rc.tap_payload(rc.Move("tap", None, 4), replies) == "/affirm"
    assert rc.tap_payload(rc.Move("tap", None, 4), [{"text": "no buttons"}]) is None


def test_the_checks_name_each_kind_of_failure():
    script = rc.Script("1-0", "en", [])
    result = rc.Result(script, "s", steps=[
        rc.Step("ok", "ack", []),
        rc.Step("yes ok", "ack", [{"text": "lost"}] * 3),
        rc.Step("agent", "person", [{"text": "did you mean?"}]),
        rc.Step("agent", "person", [], waiting_before=True),
        rc.Step("/request_human", "tap", [{"text": "t"}, {"custom": {"data": {"handoff": {"ticket_id": "BH-1"}}}}]),
        rc.Step("x", "ack", [], error="503"),
    ])
    rc.check(result)
    assert result.kinds == ["error", "no reply", "no reply while waiting", "person without ticket",
                            "repeated reply"]
    text = rc.transcript(result)
    assert "--replay 1-0" in text and "(no reply)" in text
    assert "person without ticket: 1 conversations" in rc.summary([result])
    waiting_only = rc.Result(script, "w", failures=["no reply while waiting: x"])
    assert "(1 of them only by silence while waiting" in rc.summary([waiting_only])
