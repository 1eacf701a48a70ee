"""NLU quality on data the model never trained on (`make eval`).

Scores the trained model (or one trained here from another --config) on
  - the held-out split tests/nlu_holdout/{en,zh}.yml: accuracy and macro-F1
    per language, F1 per intent, the confusions that cost most;
  - outside data in ../shared/datasets: Banking77 messages not in training
    (share kept out of the problem intents) and real AFQMC borrower questions
    (accuracy);
  - the error kinds the outside evaluation reported (issue 16), answers
    and ratings read after the bot question that asked them;
  - the FallbackClassifier threshold: the same figures if it were set
    elsewhere, from each message's intent ranking.
Prints the tables and writes them to docs/nlu-evaluation.md.
"""
import argparse
import asyncio
import collections
import csv
import datetime
import logging
import os
import pathlib
import subprocess
import sys
import tempfile
from typing import Dict, List, Optional, Sequence, Tuple

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("LOG_LEVEL", "WARNING")  # Rasa logs every parse at DEBUG

from scripts.import_banking77 import in_training_share, read_messages  # noqa: E402

HOLDOUT = {"en": ROOT / "tests/nlu_holdout/en.yml", "zh": ROOT / "tests/nlu_holdout/zh.yml"}
DATASETS = ROOT.parent / "shared" / "datasets"
AFQMC = DATASETS / "afqmc-borrower-questions" / "questions.tsv"
MODEL = ROOT / "models" / "borrower-help.tar.gz"
REPORT = ROOT / "docs" / "nlu-evaluation.md"
ERROR_KINDS = ROOT / "tests" / "nlu_holdout" / "error_kinds.tsv"
REJECTED = {"out_of_scope", "nlu_fallback"}
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)

Example = Tuple[str, str]  # (text, expected intent; "a|b" when either is right)
Parse = Tuple[str, float, str]  # (top intent without fallback, its confidence, final intent)


def read_holdout(path: pathlib.Path) -> List[Example]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples]


def read_afqmc() -> List[Example]:
    if not AFQMC.exists():
        return []
    with AFQMC.open(newline="") as f:
        return [(r["text"].strip(), r["expected_intent"]) for r in csv.DictReader(f, delimiter="\t")]


def read_error_kinds() -> List[Tuple[str, str, Optional[str]]]:
    """(text, expected, the question just asked or None): an answer is read
    as the answer to the bot's question, as in a conversation."""
    lines = [line for line in ERROR_KINDS.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    kinds = []
    for line in lines:
        expected, text, *asked = line.split("\t")
        kinds.append((text, expected, asked[0] if asked else None))
    return kinds


def read_banking77_heldout() -> List[Example]:
    path = DATASETS / "banking77-out-of-scope" / "messages.tsv"
    if not path.exists():
        return []
    return [(text, "out_of_scope") for _, text in read_messages(path) if not in_training_share(text)]


def after_question(asked: Optional[str]):
    """A conversation whose last bot message is the response `asked`."""
    from rasa.shared.core.events import ActionExecuted, BotUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    events = [ActionExecuted(asked), BotUttered("", metadata={"utter_action": asked})] if asked else []
    return DialogueStateTracker.from_events("evaluation", events)


async def parse_all(model: pathlib.Path, texts: Sequence[str],
                    asked: Optional[Sequence[Optional[str]]] = None) -> List[Parse]:
    from rasa.core.agent import Agent
    from rasa.core.channels import UserMessage

    agent = Agent.load(str(model))
    results = []
    for text, question in zip(texts, asked or [None] * len(texts)):
        parsed = await agent.processor.parse_message(UserMessage(text), after_question(question))
        ranking = [r for r in parsed.get("intent_ranking", []) if r["name"] != "nlu_fallback"]
        top = ranking[0] if ranking else {"name": "nlu_fallback", "confidence": 0.0}
        results.append((top["name"], float(top["confidence"]), parsed["intent"]["name"]))
    return results


def with_threshold(parse: Parse, threshold: Optional[float]) -> str:
    top, confidence, final = parse
    if threshold is None:
        return final
    return top if confidence >= threshold else "nlu_fallback"


def correct(expected: str, predicted: str) -> bool:
    options = set(expected.split("|"))
    return predicted in options or (expected == "out_of_scope" and predicted in REJECTED)


def scores(examples: List[Example], predictions: List[str]) -> Dict[str, object]:
    from sklearn.metrics import f1_score

    # A message rejected as out of scope counts as out_of_scope for F1.
    gold = [e.split("|")[0] if p not in e.split("|") else p for (_, e), p in zip(examples, predictions)]
    pred = ["out_of_scope" if p in REJECTED and g == "out_of_scope" else p for g, p in zip(gold, predictions)]
    labels = sorted(set(gold))
    per_intent = f1_score(gold, pred, labels=labels, average=None, zero_division=0)
    confusions = collections.Counter((g, p) for g, p in zip(gold, pred) if g != p)
    return {
        "n": len(examples),
        "accuracy": sum(correct(e, p) for (_, e), p in zip(examples, predictions)) / max(len(examples), 1),
        "macro_f1": f1_score(gold, pred, labels=labels, average="macro", zero_division=0),
        "per_intent": dict(zip(labels, per_intent)),
        "confusions": confusions.most_common(8),
    }


def train_nlu(config: pathlib.Path, out: pathlib.Path) -> pathlib.Path:
    subprocess.run(
        [str(pathlib.Path(sys.executable).parent / "rasa"), "train", "nlu", "--config", str(config),
         "--nlu", "data/nlu", "--out", str(out), "--fixed-model-name", "candidate", "--quiet"],
        cwd=ROOT, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return out / "candidate.tar.gz"


def render(model_label: str, holdout: Dict[str, Tuple[List[Example], List[Parse]]],
           banking: Tuple[List[Example], List[Parse]], afqmc: Tuple[List[Example], List[Parse]],
           error_kinds: Tuple[List[Example], List[Parse]], threshold: float) -> str:
    lines = [
        "# NLU evaluation",
        "",
        f"Made by `make eval` (`python scripts/evaluate_nlu.py`) on {datetime.date.today()}, "
        f"model: {model_label}. The held-out split in `tests/nlu_holdout/` is never trained on.",
        "",
        f"## Held-out split (FallbackClassifier threshold {threshold} as configured)",
        "",
        "| language | messages | accuracy | macro-F1 |",
        "|---|---:|---:|---:|",
    ]
    per_language = {}
    for language, (examples, parses) in holdout.items():
        result = scores(examples, [with_threshold(p, None) for p in parses])
        per_language[language] = result
        lines.append(f"| {language} | {result['n']} | {result['accuracy']:.3f} | {result['macro_f1']:.3f} |")
    lines += ["", "### F1 per intent", "", "| intent | en | zh |", "|---|---:|---:|"]
    intents = sorted(set().union(*(r["per_intent"] for r in per_language.values())))
    for intent in intents:
        cells = [f"{per_language[lang]['per_intent'].get(intent, float('nan')):.2f}" for lang in holdout]
        lines.append(f"| {intent} | " + " | ".join(cells) + " |")
    lines += ["", "### Costliest confusions (expected → predicted)", ""]
    for language, result in per_language.items():
        pairs = ", ".join(f"{g} → {p} ({n})" for (g, p), n in result["confusions"]) or "none"
        lines.append(f"- {language}: {pairs}")

    lines += ["", "## Outside data (../shared/datasets)", "",
              "| set | messages | score | what it means |", "|---|---:|---:|---|"]
    b_examples, b_parses = banking
    if b_examples:
        b_pred = [with_threshold(p, None) for p in b_parses]
        kept_out = sum(p in REJECTED for p in b_pred) / len(b_pred)
        lines.append(f"| Banking77, held-out 9/10 | {len(b_pred)} | {kept_out:.3f} | "
                     "share ending in out_of_scope or nlu_fallback (no wrong flow) |")
    a_examples, a_parses = afqmc
    if a_examples:
        a_pred = [with_threshold(p, None) for p in a_parses]
        accuracy = sum(correct(e, p) for (_, e), p in zip(a_examples, a_pred)) / len(a_pred)
        lines.append(f"| AFQMC borrower questions (zh) | {len(a_pred)} | {accuracy:.3f} | intent accuracy |")
    k_examples, k_parses = error_kinds
    k_pred = [with_threshold(p, None) for p in k_parses]
    k_right = [correct(e, p) for (_, e), p in zip(k_examples, k_pred)]
    lines.append(f"| error kinds of issue 16 (`tests/nlu_holdout/error_kinds.tsv`) | {len(k_pred)} | "
                 f"{sum(k_right) / max(len(k_pred), 1):.3f} | intent accuracy; answers and ratings read after "
                 "the question that asked them, the ratings also without it (then no rating) |")
    if b_examples:
        attracted = collections.Counter(p for p in b_pred if p not in REJECTED).most_common(5)
        lines += ["", "Problem intents that attract Banking77 messages: "
                  + (", ".join(f"{i} ({n})" for i, n in attracted) or "none")]

    lines += ["", "## FallbackClassifier threshold", "",
              "Same model, the threshold applied to each message's top intent.", "",
              "| threshold | en macro-F1 | zh macro-F1 | Banking77 kept out | AFQMC accuracy |",
              "|---:|---:|---:|---:|---:|"]
    for t in THRESHOLDS:
        row = [f"{t:.1f}"]
        for language, (examples, parses) in holdout.items():
            row.append(f"{scores(examples, [with_threshold(p, t) for p in parses])['macro_f1']:.3f}")
        bp = [with_threshold(p, t) for p in b_parses]
        row.append(f"{sum(p in REJECTED for p in bp) / max(len(bp), 1):.3f}")
        ap = [with_threshold(p, t) for p in a_parses]
        row.append(f"{sum(correct(e, p) for (_, e), p in zip(a_examples, ap)) / max(len(ap), 1):.3f}")
        lines.append("| " + " | ".join(row) + " |")
    misses = [f"{text} (expected {e}, read {p})" for (text, e), p, ok in zip(k_examples, k_pred, k_right) if not ok]
    lines += ["", "## Error kinds still misread", ""] + ([f"- {m}" for m in misses] or ["none"])
    return "\n".join(lines) + "\n"


def configured_threshold() -> float:
    import yaml

    config = yaml.safe_load((ROOT / "config.yml").read_text())
    for component in config["pipeline"]:
        if component["name"] == "FallbackClassifier":
            return float(component.get("threshold", 0.3))
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=pathlib.Path, default=MODEL)
    parser.add_argument("--config", type=pathlib.Path,
                        help="train an NLU model from this config first and score that instead")
    parser.add_argument("--report", type=pathlib.Path, default=REPORT)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    with tempfile.TemporaryDirectory() as tmp:
        model, label = args.model, f"`{args.model.relative_to(ROOT) if args.model.is_relative_to(ROOT) else args.model}`"
        if args.config:
            model, label = train_nlu(args.config.resolve(), pathlib.Path(tmp)), f"trained from `{args.config}`"
        if not model.exists():
            print(f"no model at {model}: run `make train` first", file=sys.stderr)
            return 1
        sets = {lang: read_holdout(path) for lang, path in HOLDOUT.items()}
        banking, afqmc, kinds = read_banking77_heldout(), read_afqmc(), read_error_kinds()
        error_kinds = [(text, expected) for text, expected, _ in kinds]
        all_texts = [t for ex in sets.values() for t, _ in ex] + [t for t, _ in banking + afqmc + error_kinds]
        asked = [None] * (len(all_texts) - len(kinds)) + [question for _, _, question in kinds]
        parses = asyncio.run(parse_all(model, all_texts, asked))

    position, holdout = 0, {}
    for lang, examples in sets.items():
        holdout[lang] = (examples, parses[position:position + len(examples)])
        position += len(examples)
    banking_parses = parses[position:position + len(banking)]
    position += len(banking)
    afqmc_parses = parses[position:position + len(afqmc)]
    error_parses = parses[position + len(afqmc):]
    report = render(label, holdout, (banking, banking_parses), (afqmc, afqmc_parses),
                    (error_kinds, error_parses), configured_threshold())
    print(report)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(report)
    print(f"written to {args.report.relative_to(ROOT) if args.report.is_relative_to(ROOT) else args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
