"""midway evaluation as configured and answered: a municipality's own midway day, and the
department head's comment, agreement and sign-off on a midway evaluation

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
