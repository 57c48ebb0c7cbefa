"""the outbox plans its rows: due and next-try times, kind and payload, the claiming instance

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dispatch", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=32), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("payload", sa.JSON(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("due_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("next_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=64), nullable=True))
        batch_op.alter_column("claimed_at", existing_type=sa.DateTime(timezone=True), nullable=True)
        batch_op.create_index("ix_dispatch_open", ["state", "next_at"], unique=False)
    with op.batch_alter_table("dispatch", schema=None) as batch_op:
        # The defaults only filled the rows already there; the models set both.
        batch_op.alter_column("kind", server_default=None)
        batch_op.alter_column("payload", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("dispatch", schema=None) as batch_op:
        batch_op.drop_index("ix_dispatch_open")
        batch_op.alter_column(
            "claimed_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )
        batch_op.drop_column("claimed_by")
        batch_op.drop_column("next_at")
        batch_op.drop_column("due_at")
        batch_op.drop_column("payload")
        batch_op.drop_column("kind")
