"""Alembic environment: the store passes its own connection; no alembic.ini is needed."""

from alembic import context

from sferum_onboard.tracking.store.tables import metadata

connection = context.config.attributes["connection"]
# Batch mode lets later migrations alter SQLite tables (SQLite cannot ALTER most things).
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
