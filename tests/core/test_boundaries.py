"""The house's boundaries: the core package imports neither Rasa nor Django
(every process can use it), nothing but the action server imports actions/,
and our tables are exactly what the migrations create."""
import subprocess
import sys

import sqlalchemy as sa

from tests.conftest import ROOT


def test_the_core_package_imports_neither_rasa_nor_django():
    modules = sorted(p.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".")
                     for p in (ROOT / "borrower_help").rglob("*.py")
                     if "migrations" not in p.parts and p.name != "__main__.py")
    probe = ("import importlib, sys\n"
             f"for name in {modules!r}: importlib.import_module(name)\n"
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'rasa', 'rasa_sdk', 'django', 'actions'}))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_only_the_action_server_imports_actions():
    offenders = []
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in ("actions", "tests", ".venv", ".venv-tools", "widget") or "node_modules" in parts:
            continue
        text = path.read_text(errors="replace")
        if "from actions" in text or "import actions" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_schema_is_what_the_migrations_create(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from borrower_help.storage.migrate import VERSION_TABLE, upgrade
    from borrower_help.storage.schema import metadata, rasa_metadata

    url = f"sqlite:///{tmp_path / 'schema.db'}"
    upgrade(url)
    with sa.create_engine(url).connect() as connection:
        # SQLite's search index (an FTS5 virtual table and its shadow tables)
        # is raw SQL in migration 0002: SQLAlchemy cannot describe it.
        def described(name, type_, parent_names):
            return not (type_ == "table" and name.startswith("report_messages_fts"))

        context = MigrationContext.configure(
            connection, opts={"version_table": VERSION_TABLE, "include_name": described})
        differences = compare_metadata(context, [metadata, rasa_metadata])  # ours and Rasa's events
    assert differences == [], "schema.py and the migrations disagree: add a migration"


def test_no_process_creates_our_tables_on_its_own():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "borrower_help").rglob("*.py")
                 if "create_all(" in p.read_text() and "migrations" not in p.parts]
    offenders += [str(p.relative_to(ROOT)) for d in ("actions", "support_console", "rasa_extensions")
                  for p in (ROOT / d).rglob("*.py") if "create_all(" in p.read_text()]
    assert offenders == []
