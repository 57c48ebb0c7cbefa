"""nothing lost: when an outbox row was first tried; one row per role grant; a roles
version per municipality; token buckets shared by all instances

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GRANT = ("person_id", "role", "coalesce(unit_id, 0)", "coalesce(department_id, 0)",
         "coalesce(committee_id, 0)")  # fmt: skip


def upgrade() -> None:
    with op.batch_alter_table("dispatch", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_tried_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("municipality", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("roles_version", sa.Integer(), nullable=False, server_default="0")
        )
    # The same grant made several times at once left copies: keep the first of each.
    op.execute(
        "DELETE FROM role_assignment WHERE id NOT IN "
        f"(SELECT min(id) FROM role_assignment GROUP BY {', '.join(GRANT)})"
    )
    op.create_index(
        "uq_role_assignment_grant",
        "role_assignment",
        [sa.text(column) for column in GRANT],
        unique=True,
    )
    op.create_table(
        "rate_bucket",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("tokens", sa.Float(), nullable=False),
        sa.Column("counted_at", sa.Float(), nullable=False),
        sa.Column("granted", sa.Float(), nullable=False),
        sa.Column("rate", sa.Float(), nullable=False),
        sa.Column("capacity", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_bucket")),
    )


def downgrade() -> None:
    op.drop_table("rate_bucket")
    op.drop_index("uq_role_assignment_grant", table_name="role_assignment")
    with op.batch_alter_table("municipality", schema=None) as batch_op:
        batch_op.drop_column("roles_version")
    with op.batch_alter_table("dispatch", schema=None) as batch_op:
        batch_op.drop_column("first_tried_at")
