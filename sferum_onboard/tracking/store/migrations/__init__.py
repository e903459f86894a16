"""Alembic migrations of the store, applied automatically when the store is opened."""
