from scripts.evaluate_nlu import correct, scores, with_threshold
from scripts.import_banking77 import in_training_share


def test_either_intent_counts_for_two_label_questions():
    assert correct("report_account_restricted|ask_improve_credit", "ask_improve_credit")
    assert not correct("report_account_restricted|ask_improve_credit", "greet")


def test_out_of_scope_is_met_by_fallback_too():
    assert correct("out_of_scope", "nlu_fallback")
    assert not correct("greet", "nlu_fallback")


def test_threshold_replays_the_fallback_decision():
    parse = ("greet", 0.55, "greet")
    assert with_threshold(parse, None) == "greet"
    assert with_threshold(parse, 0.5) == "greet"
    assert with_threshold(parse, 0.6) == "nlu_fallback"


def test_scores_accuracy_and_macro_f1():
    examples = [("a", "greet"), ("b", "greet"), ("c", "deny"), ("d", "out_of_scope")]
    result = scores(examples, ["greet", "deny", "deny", "nlu_fallback"])
    assert result["accuracy"] == 0.75
    assert result["per_intent"]["out_of_scope"] == 1.0
    assert result["confusions"] == [(("greet", "deny"), 1)]
    assert 0.7 < result["macro_f1"] < 0.9


def test_banking77_split_is_stable_and_about_one_in_ten():
    texts = [f"message number {i}" for i in range(2000)]
    share = sum(in_training_share(t) for t in texts) / len(texts)
    assert 0.07 < share < 0.13
    assert in_training_share("same text") == in_training_share("same text")


def _normalised(text):
    return "".join(text.lower().split())


def test_no_evaluation_message_is_trained_on():
    import pathlib

    from rasa.shared.nlu.training_data.loading import load_data

    from scripts.evaluate_nlu import HOLDOUT, read_error_kinds, read_holdout

    root = pathlib.Path(__file__).resolve().parents[2]
    trained = {_normalised(m.get("text")) for path in (root / "data" / "nlu").rglob("*.yml")
               for m in load_data(str(path)).intent_examples}
    kept_out = [text for path in HOLDOUT.values() for text, _ in read_holdout(path)]
    kept_out += [text for text, _, _ in read_error_kinds()]
    assert len(kept_out) > 500
    assert [text for text in kept_out if _normalised(text) in trained] == []
