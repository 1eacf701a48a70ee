"""`make test` must run every test folder, and name only folders that exist:
a folder named in the Makefile but missing from a clone stops CI (pytest
exits 4), and one left out of it is never run."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _folders_named_in_the_makefile() -> set[str]:
    return set(re.findall(r"\btests/([a-z_]+)\b", (ROOT / "Makefile").read_text()))


def _folders_with_tests() -> set[str]:
    return {p.parent.relative_to(ROOT / "tests").parts[0]
            for p in (ROOT / "tests").glob("*/**/test_*.py")}


def test_every_folder_the_makefile_names_is_in_the_repository():
    named = _folders_named_in_the_makefile()
    assert named, "no tests/ folder named in the Makefile"
    missing = sorted(f for f in named if not (ROOT / "tests" / f).is_dir())
    assert not missing, f"the Makefile runs folders that do not exist: {missing}"


def test_every_folder_with_tests_is_run_by_the_makefile():
    left_out = sorted(_folders_with_tests() - _folders_named_in_the_makefile())
    assert not left_out, f"test folders no make target runs: {left_out}"
