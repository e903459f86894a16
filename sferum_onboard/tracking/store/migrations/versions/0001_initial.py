"""The initial store: schools, classes, people, households, the event log and its current state.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Frozen copies of the definitions at this revision: later changes to store.py
# must come as new migrations, never as edits here.
ROLES = "('administrator', 'teacher', 'pupil', 'parent')"
ACTIONS = "('done', 'undone', 'not_applicable')"
SOURCES = "('meeting', 'sheet', 'import', 'self')"
EVENT_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.create_table(
        "schools",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("name", name="uq_schools_name"),
    )
    op.create_table(
        "classes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("school_id", sa.Integer, sa.ForeignKey("schools.id", name="fk_classes_school"), nullable=False),
        sa.Column("name", sa.String(20), nullable=False),
        sa.Column("grade", sa.Integer),
        # SQLite accepts a reference to a table created later; PostgreSQL gets it below.
        sa.Column("leader_id", sa.Integer,
                  *([sa.ForeignKey("people.id", name="fk_classes_leader")] if sqlite else [])),
        sa.Column("invite_link", sa.Text),
        sa.UniqueConstraint("school_id", "name", name="uq_classes_school_name"),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("school_id", sa.Integer, sa.ForeignKey("schools.id", name="fk_people_school"), nullable=False),
        sa.Column("full_name", sa.String(300), nullable=False),
        sa.Column("name_key", sa.String(300), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("class_id", sa.Integer, sa.ForeignKey("classes.id", name="fk_people_class")),
        sa.Column("class_leader", sa.Boolean(name="ck_people_class_leader"), nullable=False, server_default=sa.false()),
        sa.Column("specialist", sa.Boolean(name="ck_people_specialist"), nullable=False, server_default=sa.false()),
        sa.Column("position", sa.String(200)),
        sa.Column("subjects", sa.JSON),
        sa.Column("contact", sa.Text),
        sa.Column("active", sa.Boolean(name="ck_people_active"), nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.CheckConstraint(f"role IN {ROLES}", name="ck_people_role"),
    )
    op.create_index("ix_people_school_name", "people", ["school_id", "name_key"])
    op.create_index("ix_people_class", "people", ["class_id"])
    if not sqlite:
        op.create_foreign_key("fk_classes_leader", "classes", "people", ["leader_id"], ["id"])
    op.create_table(
        "teaching",
        sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id", name="fk_teaching_person"), primary_key=True),
        sa.Column("class_id", sa.Integer, sa.ForeignKey("classes.id", name="fk_teaching_class"), primary_key=True),
    )
    op.create_table(
        "households",
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("people.id", name="fk_households_parent"), primary_key=True),
        sa.Column("pupil_id", sa.Integer, sa.ForeignKey("people.id", name="fk_households_pupil"), primary_key=True),
    )
    op.create_index("ix_households_pupil", "households", ["pupil_id"])
    op.create_table(
        "events",
        sa.Column("id", EVENT_ID, primary_key=True, autoincrement=True),
        sa.Column("school_id", sa.Integer, sa.ForeignKey("schools.id", name="fk_events_school"), nullable=False),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id", name="fk_events_person")),
        sa.Column("step_id", sa.String(100), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("recorded_by", sa.String(200)),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.CheckConstraint(f"action IN {ACTIONS}", name="ck_events_action"),
        sa.CheckConstraint(f"source IN {SOURCES}", name="ck_events_source"),
    )
    op.create_index("ix_events_person_step", "events", ["person_id", "step_id", "at"])
    op.create_index("ix_events_school_at", "events", ["school_id", "at"])
    op.create_table(
        "step_state",
        sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id", name="fk_step_state_person"), primary_key=True),
        sa.Column("step_id", sa.String(100), primary_key=True),
        sa.Column("event_id", EVENT_ID, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
    )
    op.create_index("ix_step_state_step", "step_state", ["step_id"])
    op.create_table(
        "imports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("school_id", sa.Integer, sa.ForeignKey("schools.id", name="fk_imports_school"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("source", sa.Text),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("added", sa.Integer, nullable=False),
        sa.Column("moved", sa.Integer, nullable=False),
        sa.Column("updated", sa.Integer, nullable=False),
        sa.Column("unchanged", sa.Integer, nullable=False),
        sa.Column("deactivated", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    for table in ("imports", "step_state", "events", "households", "teaching"):
        op.drop_table(table)
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("fk_classes_leader", "classes", type_="foreignkey")
    op.drop_table("people")
    op.drop_table("classes")
    op.drop_table("schools")
