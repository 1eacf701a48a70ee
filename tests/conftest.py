import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def setup_console(database: pathlib.Path) -> None:
    """Configure the support console (Django) on a throw-away database, once
    per test process, with its tables created."""
    import os

    import django
    from django.conf import settings

    if settings.configured and getattr(settings, "_borrower_help_ready", False):
        return
    os.environ["DJANGO_SETTINGS_MODULE"] = "support_console.settings"
    os.environ["CONSOLE_DATABASE_URL"] = f"sqlite:///{database}"
    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    settings._borrower_help_ready = True


POSTGRES_ADMIN_URL = __import__("os").environ.get("TEST_POSTGRES_URL",
                                                  "postgresql://postgres@127.0.0.1:5432/postgres")


def _migrated(url: str) -> str:
    from borrower_help.storage.migrate import upgrade

    upgrade(url)
    return url


@pytest.fixture
def database(tmp_path, monkeypatch) -> str:
    """A throw-away SQLite database with our tables, as DATABASE_URL."""
    url = _migrated(f"sqlite:///{tmp_path}/borrower_help.db")
    monkeypatch.setenv("DATABASE_URL", url)
    return url


@pytest.fixture
def postgres_url():
    """A throw-away PostgreSQL database with our tables (skipped, with the
    reason, where no server is reachable)."""
    import uuid

    import sqlalchemy as sa

    from borrower_help import storage

    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        connection = admin.connect()
    except sa.exc.OperationalError as error:
        pytest.skip(f"no PostgreSQL at {POSTGRES_ADMIN_URL}: {error.orig}")
    name = f"bh_test_{uuid.uuid4().hex[:8]}"
    connection.execute(sa.text(f"CREATE DATABASE {name}"))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    try:
        yield _migrated(url)
    finally:
        storage.engine(url).dispose()
        connection.execute(sa.text(
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"))
        connection.execute(sa.text(f"DROP DATABASE {name}"))
        connection.close()
        admin.dispose()
