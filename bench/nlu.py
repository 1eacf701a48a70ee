"""NLU accuracy of our model next to Rasa's default pipeline (`make bench-nlu`).

Trains Rasa's default NLU pipeline (what a `rasa init` project trains with)
on the same data/nlu in a temp dir, then scores it and our trained model on
  - the held-out split tests/nlu_holdout/{en,zh}.yml: accuracy, macro-F1,
    F1 per intent, the costliest confusions, per language;
  - Banking77 held-out 9/10: share ending in out_of_scope / nlu_fallback,
    and the intents that attract the rest;
  - AFQMC borrower questions: accuracy overall and per intent.
Prints the tables and rewrites the "NLU" section of docs/benchmarks.md.
Scoring reuses scripts/evaluate_nlu.py (`make eval`).
"""
import argparse
import asyncio
import collections
import datetime
import logging
import os
import pathlib
import subprocess
import sys
import tempfile
import time
from typing import Dict, List, Sequence, Tuple

ROOT = pathlib.Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from bench.report import fmt, table, top_counts, write_section  # noqa: E402
from scripts.evaluate_nlu import (  # noqa: E402
    REJECTED,
    Example,
    correct,
    parse_all,
    read_afqmc,
    read_banking77_heldout,
    read_holdout,
    scores,
    with_threshold,
)

REPORT = ROOT / "docs" / "benchmarks.md"
BIN = pathlib.Path(sys.executable).parent
LANGUAGES = ("en", "zh")


def stock_config() -> Tuple[dict, str]:
    """Rasa's default NLU pipeline, made to accept Chinese.

    `rasa init` writes a config.yml whose pipeline is commented out, so Rasa
    trains it with the recipe default (rasa/engine/recipes/config_files/
    default_config.yml); that is the file read here. One change: language zh
    with JiebaTokenizer instead of WhitespaceTokenizer, which refuses zh.
    """
    import rasa.engine.recipes
    import yaml

    path = pathlib.Path(rasa.engine.recipes.__file__).parent / "config_files" / "default_config.yml"
    config = yaml.safe_load(path.read_text())
    config["pipeline"] = [
        {"name": "JiebaTokenizer"} if c["name"] == "WhitespaceTokenizer" else c
        for c in config["pipeline"]
    ]
    config.update(language="zh", assistant_id="stock-default-pipeline")
    config.pop("policies", None)  # NLU-only model
    names = " → ".join(c["name"] for c in config["pipeline"])
    return config, names


def train_stock(project: pathlib.Path, out: pathlib.Path) -> Tuple[pathlib.Path, float]:
    import yaml

    config, _ = stock_config()
    config_path = out / "stock-config.yml"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    started = time.monotonic()
    subprocess.run(
        [str(BIN / "rasa"), "train", "nlu", "--config", str(config_path), "--nlu", "data/nlu",
         "--out", str(out), "--fixed-model-name", "stock", "--quiet"],
        cwd=project, check=True, env={**os.environ, "PYTHONPATH": str(project)},
    )
    return out / "stock.tar.gz", time.monotonic() - started


# --- scoring (pure, tested) -------------------------------------------------

def kept_out_share(predictions: Sequence[str]) -> float:
    """Share of out-of-scope messages that start no flow."""
    return sum(p in REJECTED for p in predictions) / len(predictions) if predictions else float("nan")


def attracting_intents(predictions: Sequence[str], n: int = 5) -> List[str]:
    return top_counts((p for p in predictions if p not in REJECTED), n)


def accuracy_per_intent(examples: Sequence[Example], predictions: Sequence[str]) -> Dict[str, Tuple[int, float]]:
    """expected label → (messages, accuracy); "a|b" labels stay one group."""
    hits: Dict[str, List[bool]] = collections.defaultdict(list)
    for (_, expected), predicted in zip(examples, predictions):
        hits[expected].append(correct(expected, predicted))
    return {label: (len(h), sum(h) / len(h)) for label, h in sorted(hits.items())}


def overall_accuracy(examples: Sequence[Example], predictions: Sequence[str]) -> float:
    if not examples:
        return float("nan")
    return sum(correct(e, p) for (_, e), p in zip(examples, predictions)) / len(examples)


# --- report -------------------------------------------------------------------

def evaluate(model: pathlib.Path, sets: Dict[str, List[Example]]) -> Dict[str, List[str]]:
    """Final intent (after FallbackClassifier) for every message of every set."""
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # else every parse is logged at debug level
    texts = [t for examples in sets.values() for t, _ in examples]
    parses = asyncio.run(parse_all(model, texts))
    predictions, position = {}, 0
    for name, examples in sets.items():
        predictions[name] = [with_threshold(p, None) for p in parses[position:position + len(examples)]]
        position += len(examples)
    return predictions


def render(sets: Dict[str, List[Example]], ours: Dict[str, List[str]], stock: Dict[str, List[str]],
           meta: Dict[str, str]) -> str:
    lines = [
        "## NLU",
        "",
        f"Made by `make bench-nlu` (`python bench/nlu.py {meta['args']}`) on {meta['when']}.",
        f"Ours: `{meta['model']}` (config.yml of `{meta['project']}`). "
        f"Stock: Rasa's default NLU pipeline — the one a `rasa init` project trains with, since its "
        f"config.yml leaves the pipeline to the recipe default — trained in the same run on the same "
        f"`data/nlu` ({meta['stock_seconds']} s), NLU only. **Changed:** `language: zh` and "
        f"`JiebaTokenizer` (no custom dictionary) instead of `WhitespaceTokenizer`, which refuses zh. "
        f"Pipeline: {meta['stock_pipeline']}.",
        "",
        "### Held-out split (`tests/nlu_holdout/`, never trained on)",
        "",
    ]
    holdout = [lang for lang in LANGUAGES if sets.get(lang)]
    missing = [lang for lang in LANGUAGES if not sets.get(lang)]
    results = {lang: (scores(sets[lang], ours[lang]), scores(sets[lang], stock[lang])) for lang in holdout}
    lines.append(table(
        ["language", "messages", "accuracy ours", "stock", "macro-F1 ours", "stock"],
        [[lang, o["n"], fmt(o["accuracy"], 3), fmt(s["accuracy"], 3), fmt(o["macro_f1"], 3),
          fmt(s["macro_f1"], 3)] for lang, (o, s) in results.items()]))
    if missing:
        lines += ["", f"No held-out file for: {', '.join(missing)} (not scored)."]

    lines += ["", "F1 per intent:", ""]
    intents = sorted(set().union(*(set(o["per_intent"]) | set(s["per_intent"]) for o, s in results.values())))
    headers = ["intent"] + [f"{lang} {who}" for lang in holdout for who in ("ours", "stock")]
    lines.append(table(headers, [
        [intent] + [fmt(results[lang][i]["per_intent"].get(intent, float("nan")), 2)
                    for lang in holdout for i in (0, 1)]
        for intent in intents]))

    lines += ["", "Costliest confusions (expected → predicted, count):", ""]
    for lang, (o, s) in results.items():
        for who, result in (("ours", o), ("stock", s)):
            pairs = ", ".join(f"{g} → {p} ({n})" for (g, p), n in result["confusions"][:6]) or "none"
            lines.append(f"- {lang}, {who}: {pairs}")

    lines += ["", "### Outside data (`../shared/datasets/`)", ""]
    rows = []
    if sets.get("banking77"):
        rows.append(["Banking77 held-out 9/10 (en): share ending in out_of_scope / nlu_fallback",
                     len(sets["banking77"]), fmt(kept_out_share(ours["banking77"]), 3),
                     fmt(kept_out_share(stock["banking77"]), 3)])
    if sets.get("afqmc"):
        rows.append(["AFQMC borrower questions (zh): intent accuracy", len(sets["afqmc"]),
                     fmt(overall_accuracy(sets["afqmc"], ours["afqmc"]), 3),
                     fmt(overall_accuracy(sets["afqmc"], stock["afqmc"]), 3)])
    lines.append(table(["set and score", "messages", "ours", "stock"], rows, "lrrr"))
    if sets.get("banking77"):
        lines += ["", "Intents that attract Banking77 messages (would start a wrong flow):", "",
                  f"- ours: {', '.join(attracting_intents(ours['banking77'])) or 'none'}",
                  f"- stock: {', '.join(attracting_intents(stock['banking77'])) or 'none'}"]
    if sets.get("afqmc"):
        a_ours = accuracy_per_intent(sets["afqmc"], ours["afqmc"])
        a_stock = accuracy_per_intent(sets["afqmc"], stock["afqmc"])
        lines += ["", "AFQMC accuracy per expected intent:", "",
                  table(["expected intent", "messages", "ours", "stock"],
                        [[label.replace("|", " \\| "), n, fmt(acc, 2), fmt(a_stock[label][1], 2)]
                         for label, (n, acc) in a_ours.items()])]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--project", type=pathlib.Path, default=ROOT,
                        help="project whose data/nlu the stock pipeline trains on (default: this repo)")
    parser.add_argument("--model", type=pathlib.Path,
                        help="our trained model (default: PROJECT/models/borrower-help.tar.gz)")
    parser.add_argument("--holdout-dir", type=pathlib.Path, default=ROOT / "tests" / "nlu_holdout")
    parser.add_argument("--report", type=pathlib.Path, default=REPORT)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    project = args.project.resolve()
    model = (args.model or project / "models" / "borrower-help.tar.gz").resolve()
    if not model.exists():
        print(f"no model at {model}: run `make train` first", file=sys.stderr)
        return 1

    sets = {lang: read_holdout(args.holdout_dir / f"{lang}.yml")
            for lang in LANGUAGES if (args.holdout_dir / f"{lang}.yml").exists()}
    sets.update(banking77=read_banking77_heldout(), afqmc=read_afqmc())
    with tempfile.TemporaryDirectory(prefix="bench-nlu-") as tmp:
        # Its DIET has the default 2-layer transformer: expect several minutes on 2 cores.
        print("training Rasa's default pipeline on the same data (several minutes)...", flush=True)
        stock_model, stock_seconds = train_stock(project, pathlib.Path(tmp))
        print("scoring ours...", flush=True)
        ours = evaluate(model, sets)
        print("scoring stock...", flush=True)
        stock = evaluate(stock_model, sets)

    meta = {
        "args": " ".join(argv if argv is not None else sys.argv[1:]),
        "when": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "model": str(model.relative_to(ROOT) if model.is_relative_to(ROOT) else model),
        "project": str(project.relative_to(ROOT) if project.is_relative_to(ROOT) else project) or ".",
        "stock_seconds": f"{stock_seconds:.0f}",
        "stock_pipeline": stock_config()[1],
    }
    body = render(sets, ours, stock, meta)
    print(body)
    write_section(args.report, "bench-nlu", body)
    print(f"written to {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
