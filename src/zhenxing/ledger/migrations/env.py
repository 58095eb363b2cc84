"""Alembic environment for the ledger.

``zhenxing.ledger.store.Ledger`` runs it programmatically and hands over an open
connection in ``config.attributes["connection"]``; the ``alembic`` command line
(``alembic -c src/zhenxing/ledger/alembic.ini ...``, for writing new revisions)
connects to ``sqlalchemy.url`` or ``$ZHENXING_DB`` instead. No logging setup
here: a library must not reconfigure the caller's logging.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection, create_engine

from zhenxing.ledger.models import Base, compared
from zhenxing.ledger.store import database_url

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    return database_url(os.environ.get("ZHENXING_DB") or config.get_main_option("sqlalchemy.url") or None)


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode copies the table instead
        # and is a no-op elsewhere, so later revisions stay portable.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        # The full-text index (FTS5 tables on SQLite, a GIN index on PostgreSQL) is made by raw SQL,
        # not the models: autogenerate must not propose dropping it.
        include_name=compared,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    engine = create_engine(_url())
    try:
        with engine.begin() as conn:
            _configure(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
