"""status corrections: a leader corrects or withdraws a status; the earlier version is kept

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("status_update", schema=None) as batch_op:
        batch_op.add_column(sa.Column("corrected_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "status_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("status_update_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("color", sa.String(length=8), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("reported_by", sa.Integer(), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_status_revision_municipality_id_municipality"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"],
            ["goal.id"],
            name=op.f("fk_status_revision_goal_id_goal"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["status_update_id"],
            ["status_update.id"],
            name=op.f("fk_status_revision_status_update_id_status_update"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reported_by"],
            ["person.id"],
            name=op.f("fk_status_revision_reported_by_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["changed_by"],
            ["person.id"],
            name=op.f("fk_status_revision_changed_by_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_revision")),
    )
    with op.batch_alter_table("status_revision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_status_revision_municipality_id"), ["municipality_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_status_revision_goal_id"), ["goal_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("status_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_revision_goal_id"))
        batch_op.drop_index(batch_op.f("ix_status_revision_municipality_id"))
    op.drop_table("status_revision")
    with op.batch_alter_table("status_update", schema=None) as batch_op:
        batch_op.drop_column("corrected_at")
