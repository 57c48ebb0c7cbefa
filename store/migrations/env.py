"""Alembic environment. Runs on the connection Pejling hands it (see store/migrate.py)."""

from alembic import context

from store.models import Base

config = context.config


def run_migrations(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite alters tables by copying them; batch mode does that.
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations with `pejling migrate`, which supplies the connection.")
run_migrations(connection)
