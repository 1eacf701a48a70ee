"""Schema changes of our tables, by Alembic (the SQLAlchemy ecosystem's
migration tool). The launcher runs `upgrade()` before starting any process;
a deployment runs it as a job (`python -m borrower_help.storage migrate`)."""
import pathlib
from typing import Optional

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from borrower_help.storage import database_url, engine

MIGRATIONS = pathlib.Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "borrower_help_schema_version"


def alembic_config(url: Optional[str] = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # Passed as an attribute, not an option: a URL with a %-escaped password
    # would trip the option parser.
    config.attributes["url"] = url or database_url()
    return config


def upgrade(url: Optional[str] = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def current_revision(url: Optional[str] = None) -> Optional[str]:
    with engine(url).connect() as connection:
        return MigrationContext.configure(
            connection, opts={"version_table": VERSION_TABLE}).get_current_revision()


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None, "no migrations"
    return head


def is_current(url: Optional[str] = None) -> bool:
    return current_revision(url) == head_revision()
