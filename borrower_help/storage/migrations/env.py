"""Alembic's entry: runs the migrations on the database the caller chose
(borrower_help.storage.migrate passes it as config.attributes["url"])."""
from alembic import context

from borrower_help.storage import engine
from borrower_help.storage.migrate import VERSION_TABLE
from borrower_help.storage.schema import metadata

url = context.config.attributes["url"]
with engine(url).connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER much
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
