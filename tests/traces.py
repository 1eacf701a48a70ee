"""Finding any trace of a conversation: every cell of every table of a
database (SQLite's FTS5 shadow tables and its index vocabulary included),
as text, as the JSON Rasa writes (\\uXXXX escapes) and as raw bytes."""
import json
from typing import Dict, Iterable, List

import sqlalchemy as sa


def forms(needle: str) -> List[bytes]:
    escaped = json.dumps(needle)[1:-1]
    return sorted({needle.encode(), escaped.encode(), needle.lower().encode()})


def _cells(value) -> bytes:
    if value is None:
        return b""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    return str(value).encode()


def traces(url: str, needles: Iterable[str]) -> Dict[str, List[str]]:
    """{needle: ["table.column", ...]} for every needle found anywhere."""
    needles = list(needles)
    found: Dict[str, List[str]] = {}
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            inspector = sa.inspect(connection)
            names = inspector.get_table_names()
            if connection.dialect.name == "sqlite":
                names = [r[0] for r in connection.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'table'")]
            for name in names:
                if connection.dialect.name == "sqlite" and name.endswith("_fts"):
                    continue  # the virtual table reads its content table, scanned itself
                result = connection.exec_driver_sql(f'SELECT * FROM "{name}"')
                columns = list(result.keys())
                for row in result:
                    for column, value in zip(columns, row):
                        cell = _cells(value)
                        for needle in needles:
                            if any(form in cell for form in forms(needle)):
                                found.setdefault(needle, []).append(f"{name}.{column}")
            if connection.dialect.name == "sqlite" and "report_messages_fts" in names:
                connection.exec_driver_sql(
                    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.bh_vocabulary "
                    "USING fts5vocab(main, report_messages_fts, 'row')")
                terms = {r[0] for r in connection.exec_driver_sql("SELECT term FROM temp.bh_vocabulary")}
                for needle in needles:
                    trigrams = {needle.lower()[i:i + 3] for i in range(len(needle) - 2)}
                    # A distinctive text's own trigrams (those no other message has).
                    if trigrams and trigrams <= terms:
                        found.setdefault(needle, []).append("report_messages_fts (index vocabulary)")
    finally:
        engine.dispose()
    return found
