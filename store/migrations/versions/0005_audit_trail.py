"""audit trail

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFUSAL = "audit_event is append-only"

# The trail is evidence (journalisation, aktindsigt): the database itself refuses to change
# or remove a row, whatever code or console tries. TRUNCATE (tests only) is not a DELETE.
POSTGRES_GUARD = (
    f"""
    CREATE FUNCTION audit_event_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{REFUSAL}';
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()
    """,
)
SQLITE_GUARD = tuple(
    f"""
    CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END
    """
    for verb in ("UPDATE", "DELETE")
)


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("committee_id", sa.Integer(), nullable=True),
        sa.Column("period_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_audit_event_municipality_id_municipality"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_event_export", ["municipality_id", "committee_id", "at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_audit_event_municipality_id"), ["municipality_id"], unique=False
        )
    for statement in _guard():
        op.execute(statement)


def _guard() -> tuple[str, ...]:
    return POSTGRES_GUARD if op.get_bind().dialect.name == "postgresql" else SQLITE_GUARD


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION audit_event_append_only()")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_municipality_id"))
        batch_op.drop_index("ix_audit_event_export")
    op.drop_table("audit_event")  # SQLite drops the table's triggers with it
