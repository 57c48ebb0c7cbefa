"""The `pejling` command run inside the test's own process.

A real `pejling` process costs one to three seconds of Python start-up and imports before
it does any work. Tests about what a command does call `bot.cli.main` here instead, with
the same arguments, the same environment (`DATABASE_URL`, nothing of Teams) and their
output captured; each command family keeps a test that runs the installed command
(`harness.pejling_command`), which is about the entry point itself.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout

from bot import cli


async def pejling_in_process(database_url: str, *args: str) -> tuple[int, str, str]:
    """`pejling *args` in local mode; (exit code, stdout, stderr), as `pejling_command`.

    The command runs its own event loop (`asyncio.run`), so it runs on a thread of its own.
    """
    return await asyncio.to_thread(_run, database_url, list(args))


def _run(database_url: str, args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with _environment(database_url), _logging_kept(), redirect_stdout(out), redirect_stderr(err):
        try:
            code = cli.main(args)
        except SystemExit as leaving:  # argparse refusing the arguments
            code = leaving.code if isinstance(leaving.code, int) else 1
    return code, out.getvalue(), err.getvalue()


@contextmanager
def _environment(database_url: str) -> Iterator[None]:
    """The environment `pejling_command` gives its process, put back afterwards."""
    changed = [k for k in os.environ if k.startswith(("Microsoft", "PEJLING_"))]
    saved = {k: os.environ[k] for k in [*changed, "DATABASE_URL"] if k in os.environ}
    for key in changed:
        del os.environ[key]
    os.environ["DATABASE_URL"] = database_url
    try:
        yield
    finally:
        os.environ.pop("DATABASE_URL", None)
        os.environ.update(saved)


@contextmanager
def _logging_kept() -> Iterator[None]:
    """A command sets up the root logger for itself (`logs.configure`); the test's own
    handlers (pytest's capture, caplog) and levels come back when it is done. While it
    runs, what a Pejling running in the test logs goes to the command's stderr too."""
    root, alembic = logging.getLogger(), logging.getLogger("alembic")
    handlers, level, alembic_level = root.handlers[:], root.level, alembic.level
    root.handlers = []  # so that `basicConfig(force=True)` closes none of the test's
    try:
        yield
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers = handlers
        root.setLevel(level)
        alembic.setLevel(alembic_level)
