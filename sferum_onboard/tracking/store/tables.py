"""The store's tables, as SQLAlchemy Core: they must match the migrations (tests compare them)."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()


EVENT_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


schools = sa.Table(
    "schools", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    # Bumped by every change to the school's people, classes or households (0002).
    sa.Column("roster_version", sa.Integer, nullable=False, server_default="0"),
    sa.UniqueConstraint("name", name="uq_schools_name"),
)


classes = sa.Table(
    "classes", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("school_id", sa.Integer, sa.ForeignKey("schools.id", name="fk_classes_school"), nullable=False),
    sa.Column("name", sa.String(20), nullable=False),
    sa.Column("grade", sa.Integer),
    sa.Column("leader_id", sa.Integer, sa.ForeignKey("people.id", name="fk_classes_leader", use_alter=True)),
    sa.Column("invite_link", sa.Text),
    sa.UniqueConstraint("school_id", "name", name="uq_classes_school_name"),
    sa.Index("ix_classes_leader", "leader_id"),  # 0003
)


people = sa.Table(
    "people", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("school_id", sa.Integer, sa.ForeignKey("schools.id", name="fk_people_school"), nullable=False),
    sa.Column("full_name", sa.String(300), nullable=False),
    sa.Column("name_key", sa.String(300), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("class_id", sa.Integer, sa.ForeignKey("classes.id", name="fk_people_class")),
    sa.Column("class_leader", sa.Boolean(name="ck_people_class_leader"), nullable=False, server_default=sa.false()),
    sa.Column("specialist", sa.Boolean(name="ck_people_specialist"), nullable=False, server_default=sa.false()),
    sa.Column("position", sa.String(200)),
    sa.Column("subjects", sa.JSON(none_as_null=True)),  # SQL NULL, not the JSON text 'null'
    sa.Column("contact", sa.Text),
    sa.Column("active", sa.Boolean(name="ck_people_active"), nullable=False, server_default=sa.true()),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.CheckConstraint("role IN ('administrator', 'teacher', 'pupil', 'parent')", name="ck_people_role"),
    sa.Index("ix_people_school_name", "school_id", "name_key"),
    sa.Index("ix_people_class", "class_id"),
    sa.Index("ix_people_school_role", "school_id", "role"),  # 0003
)


teaching = sa.Table(
    "teaching", metadata,
    sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id", name="fk_teaching_person"), primary_key=True),
    sa.Column("class_id", sa.Integer, sa.ForeignKey("classes.id", name="fk_teaching_class"), primary_key=True),
)


households = sa.Table(
    "households", metadata,
    sa.Column("parent_id", sa.Integer, sa.ForeignKey("people.id", name="fk_households_parent"), primary_key=True),
    sa.Column("pupil_id", sa.Integer, sa.ForeignKey("people.id", name="fk_households_pupil"), primary_key=True),
    sa.Index("ix_households_pupil", "pupil_id"),
)


events = sa.Table(
    "events", metadata,
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
    sa.CheckConstraint("action IN ('done', 'undone', 'not_applicable')", name="ck_events_action"),
    sa.CheckConstraint("source IN ('meeting', 'sheet', 'import', 'self', 'members')", name="ck_events_source"),  # 0004
    sa.Index("ix_events_person_step", "person_id", "step_id", "at"),
    sa.Index("ix_events_school_at", "school_id", "at"),
    # 0004: the few events a member list verified, found without reading the log (the literal, not a
    # parameter, lets SQLite use a partial index).
    sa.Index("ix_events_members", "school_id", "person_id",
             sqlite_where=sa.text("source = 'members'"), postgresql_where=sa.text("source = 'members'")),
)


step_state = sa.Table(
    "step_state", metadata,
    sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id", name="fk_step_state_person"), primary_key=True),
    sa.Column("step_id", sa.String(100), primary_key=True),
    sa.Column("event_id", EVENT_ID, nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Index("ix_step_state_step", "step_id"),
    sqlite_with_rowid=False,  # 0003: the key is the table, so a lookup reads the action directly
)


imports = sa.Table(
    "imports", metadata,
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


# 0004: member lists of class chats: a check per list, a row per member (and per person missing).
member_checks = sa.Table(
    "member_checks", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("school_id", sa.Integer, sa.ForeignKey("schools.id", name="fk_member_checks_school"), nullable=False),
    sa.Column("class_id", sa.Integer, sa.ForeignKey("classes.id", name="fk_member_checks_class"), nullable=False),
    sa.Column("chat", sa.String(200)),
    sa.Column("audience", sa.String(10), nullable=False),
    sa.Column("listed_at", sa.DateTime, nullable=False),
    sa.Column("recorded_at", sa.DateTime, nullable=False),
    sa.Column("recorded_by", sa.String(200)),
    sa.Index("ix_member_checks_school_class", "school_id", "class_id"),
)


member_rows = sa.Table(
    "member_rows", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("check_id", sa.Integer, sa.ForeignKey("member_checks.id", name="fk_member_rows_check"), nullable=False),
    sa.Column("line", sa.Integer),
    sa.Column("outcome", sa.String(20), nullable=False),
    sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id", name="fk_member_rows_person")),
    sa.Column("confidence", sa.Integer),
    sa.Column("confirmed", sa.Boolean(name="ck_member_rows_confirmed"), nullable=False, server_default=sa.false()),
    sa.Column("outsider_name", sa.String(300)),
    sa.Column("handled_at", sa.DateTime),
    sa.Column("handled_by", sa.String(200)),
    sa.CheckConstraint("outcome IN ('matched', 'missing', 'other_class', 'outsider', 'unsure')",
                       name="ck_member_rows_outcome"),
    sa.Index("ix_member_rows_check", "check_id", "line"),
    sa.Index("ix_member_rows_person", "person_id"),
)
