"""Writing many rows at once: ids taken in advance, executemany, and PostgreSQL's COPY for big batches."""

from __future__ import annotations

from typing import Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Connection

BATCH = 5_000
COPY_FROM = 2_000  # rows from which PostgreSQL gets COPY instead of INSERT


def chunks(items: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def allocate_ids(conn: Connection, table: sa.Table, n: int) -> list[int]:
    """n new ids for `table`, increasing, taken inside the current write transaction.

    Inserting with ids known in advance lets a batch go in one executemany
    (SQLite cannot return ids in order from a multi-row insert).
    """
    if n <= 0:
        return []
    if conn.dialect.name == "postgresql":
        sequence = conn.execute(sa.text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}).scalar()
        return sorted(conn.execute(sa.text("SELECT nextval(:s) FROM generate_series(1, :n)"),
                                   {"s": sequence, "n": n}).scalars())
    # SQLite: the writer holds the database lock (BEGIN IMMEDIATE), so no one else takes ids meanwhile.
    top = conn.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0
    return list(range(top + 1, top + 1 + n))


def insert_with_ids(conn: Connection, table: sa.Table, rows: list[dict]) -> list[int]:
    """Insert rows with newly allocated ids; returns the ids in the rows' order."""
    ids = allocate_ids(conn, table, len(rows))
    for row, new_id in zip(rows, ids):
        row["id"] = new_id
    bulk_insert(conn, table, rows)
    return ids


def bulk_insert(conn: Connection, table, rows: list[dict]) -> None:
    """Insert many rows: executemany, or on PostgreSQL, for a big batch, COPY."""
    if conn.dialect.name == "postgresql" and len(rows) >= COPY_FROM:
        copy_rows(conn, table, rows)
        return
    for chunk in chunks(rows, 20_000):
        conn.execute(table.insert(), chunk)


def copy_rows(conn: Connection, table, rows: list[dict]) -> None:
    """PostgreSQL's COPY, several times faster than INSERT for a big batch, in the same transaction."""
    from psycopg.types.json import Json

    columns = list(rows[0])
    as_json = {c.name for c in getattr(table, "columns", ()) if isinstance(c.type, sa.JSON)}
    names = ", ".join(f'"{name}"' for name in columns)
    with conn.connection.driver_connection.cursor() as cursor:
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([Json(row[name]) if name in as_json and row[name] is not None else row[name]
                                for name in columns])
