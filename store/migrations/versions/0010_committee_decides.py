"""committee decides: a bearing from a summary is a proposal until the committee's decision

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Bearings that exist already (the organisation file's, and those approved summaries
    # put in force) stay decided: nothing in force is taken back by an upgrade.
    with op.batch_alter_table("bearing", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("proposed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("decided_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("decided_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("proposed_title", sa.String(length=300), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_bearing_decided_by_person"),
            "person",
            ["decided_by"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("bearing", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_bearing_decided_by_person"), type_="foreignkey")
        batch_op.drop_column("proposed_title")
        batch_op.drop_column("decided_by")
        batch_op.drop_column("decided_on")
        batch_op.drop_column("proposed")
