"""Member lists of class chats: checks and their rows, and the event source «members».

A step seen in a chat's member list is recorded as an event from the
source "members" (the CHECK on events.source widens); a partial index finds
those few events without reading the log. `member_checks` holds one row per
list (class, chat, date), `member_rows` one per member line and per person
missing from the chat: outcomes and person ids, never the list's names,
except an outsider's until the administrator marks it handled.

On SQLite the CHECK cannot be altered: batch mode copies the events table
once (a minute or so for millions of events).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OLD_SOURCES = "('meeting', 'sheet', 'import', 'self')"
NEW_SOURCES = "('meeting', 'sheet', 'import', 'self', 'members')"
OUTCOMES = "('matched', 'missing', 'other_class', 'outsider', 'unsure')"
MEMBERS_ONLY = "source = 'members'"


def _sources(new: str) -> None:
    """The events' CHECK on the source, replaced (batch mode reads the table's constraints back)."""
    with op.batch_alter_table("events") as batch:
        batch.drop_constraint("ck_events_source", type_="check")
        batch.create_check_constraint("ck_events_source", f"source IN {new}")


def upgrade() -> None:
    _sources(NEW_SOURCES)
    op.create_index("ix_events_members", "events", ["school_id", "person_id"],
                    sqlite_where=sa.text(MEMBERS_ONLY), postgresql_where=sa.text(MEMBERS_ONLY))
    op.create_table(
        "member_checks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("school_id", sa.Integer, sa.ForeignKey("schools.id", name="fk_member_checks_school"), nullable=False),
        sa.Column("class_id", sa.Integer, sa.ForeignKey("classes.id", name="fk_member_checks_class"), nullable=False),
        sa.Column("chat", sa.String(200)),
        sa.Column("audience", sa.String(10), nullable=False),
        sa.Column("listed_at", sa.DateTime, nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("recorded_by", sa.String(200)),
    )
    op.create_index("ix_member_checks_school_class", "member_checks", ["school_id", "class_id"])
    op.create_table(
        "member_rows",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("check_id", sa.Integer, sa.ForeignKey("member_checks.id", name="fk_member_rows_check"),
                  nullable=False),
        sa.Column("line", sa.Integer),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id", name="fk_member_rows_person")),
        sa.Column("confidence", sa.Integer),
        sa.Column("confirmed", sa.Boolean(name="ck_member_rows_confirmed"), nullable=False,
                  server_default=sa.false()),
        sa.Column("outsider_name", sa.String(300)),
        sa.Column("handled_at", sa.DateTime),
        sa.Column("handled_by", sa.String(200)),
        sa.CheckConstraint(f"outcome IN {OUTCOMES}", name="ck_member_rows_outcome"),
    )
    op.create_index("ix_member_rows_check", "member_rows", ["check_id", "line"])
    op.create_index("ix_member_rows_person", "member_rows", ["person_id"])


def downgrade() -> None:
    op.drop_table("member_rows")
    op.drop_table("member_checks")
    op.drop_index("ix_events_members", "events")
    op.execute("UPDATE events SET source = 'import' WHERE source = 'members'")  # keep the log whole
    _sources(OLD_SOURCES)
