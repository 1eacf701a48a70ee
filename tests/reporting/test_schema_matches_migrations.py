"""schema.py and the migrations describe the same tables (Alembic's own
comparison), on SQLite and PostgreSQL."""
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from borrower_help import storage
from borrower_help.storage.schema import metadata

# Made by migration only (no SQLAlchemy type for them): the search indexes.
SEARCH_ONLY = {"ix_report_messages_text_trgm", "ix_report_messages_pairs_trgm", "report_messages_fts",
               "report_messages_fts_data", "report_messages_fts_idx", "report_messages_fts_content",
               "report_messages_fts_docsize", "report_messages_fts_config", "borrower_help_schema_version",
               # Rasa's table, described in schema.rasa_metadata (made by 0003 when missing)
               "events", "ix_events_sender_id", "ix_events_sender_type_timestamp"}


def _differences(url):
    with storage.engine(url).connect() as connection:
        found = compare_metadata(MigrationContext.configure(connection), metadata)
    kept = []
    for diff in found:
        item = diff[0] if isinstance(diff, list) else diff
        name = getattr(item[1], "name", "")
        if item[0] in ("remove_table", "remove_index") and name in SEARCH_ONLY:
            continue
        kept.append(item)
    return kept


def test_sqlite(database):
    assert _differences(database) == []


def test_postgresql(postgres_url):
    assert _differences(postgres_url) == []
