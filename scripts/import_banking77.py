"""Writes the training share of the Banking77 out-of-scope messages.

The dataset (../shared/datasets/banking77-out-of-scope, CC BY 4.0) may be
partly trained on. One message in ten, chosen by a hash of its text so the
split never changes, goes to data/nlu/en/out_of_scope_banking77.yml; the
other nine are the held-out outside set scored by scripts/evaluate_nlu.py.
"""
import csv
import hashlib
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
DATASET = ROOT.parent / "shared" / "datasets" / "banking77-out-of-scope" / "messages.tsv"
TARGET = ROOT / "data" / "nlu" / "en" / "out_of_scope_banking77.yml"


def in_training_share(text: str) -> bool:
    return int(hashlib.sha1(text.strip().encode()).hexdigest(), 16) % 10 == 0


def read_messages(path: pathlib.Path = DATASET):
    with path.open(newline="") as f:
        return [(row["source_category"], row["text"].strip())
                for row in csv.DictReader(f, delimiter="\t") if row["text"].strip()]


def main() -> int:
    if not DATASET.exists():
        print(f"dataset not found at {DATASET}", file=sys.stderr)
        return 1
    chosen = sorted({text for _, text in read_messages() if in_training_share(text)})
    lines = [
        "version: \"3.1\"",
        "",
        "# Real bank-app messages outside a lending-support assistant's scope:",
        "# Banking77 (PolyAI, CC BY 4.0), the 1-in-10 training share written by",
        "# scripts/import_banking77.py. Do not edit by hand.",
        "nlu:",
        "  - intent: out_of_scope",
        "    examples: |",
    ] + [f"      - {text}" for text in chosen]
    TARGET.write_text("\n".join(lines) + "\n")
    print(f"{len(chosen)} messages written to {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
