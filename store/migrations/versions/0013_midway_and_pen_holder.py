"""midway evaluation as configured and answered: a municipality's own midway day, and the
department head's comment, agreement and sign-off on a midway evaluation; the upper
agreement level: a department's goals agreed with the committee

Revision ID: 0013
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "department_goal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("expected_effect", sa.Text(), nullable=True),
        sa.Column("success_criteria", sa.JSON(), nullable=False),
        sa.Column("agreed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_department_goal_department_id_department"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_department_goal_municipality_id_municipality"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["period.id"],
            name=op.f("fk_department_goal_period_id_period"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department_goal")),
        sa.UniqueConstraint(
            "municipality_id", "key", name=op.f("uq_department_goal_municipality_id_key")
        ),
    )
    with op.batch_alter_table("department_goal", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_department_goal_department_id"), ["department_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_department_goal_municipality_id"), ["municipality_id"], unique=False
        )
    with op.batch_alter_table("municipality", schema=None) as batch_op:
        batch_op.add_column(sa.Column("midway", sa.String(length=5), nullable=True))
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("head_comment", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("head_agrees", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("signed_off_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("signed_off_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_evaluation_signed_off_by_person"),
            "person",
            ["signed_off_by"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_evaluation_signed_off_by_person"), type_="foreignkey"
        )
        batch_op.drop_column("signed_off_at")
        batch_op.drop_column("signed_off_by")
        batch_op.drop_column("head_agrees")
        batch_op.drop_column("head_comment")
    with op.batch_alter_table("municipality", schema=None) as batch_op:
        batch_op.drop_column("midway")
    with op.batch_alter_table("department_goal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_department_goal_municipality_id"))
        batch_op.drop_index(batch_op.f("ix_department_goal_department_id"))
    op.drop_table("department_goal")
