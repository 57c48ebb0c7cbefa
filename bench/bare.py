"""The floor: an aiohttp handler that takes the same POST and answers 201, doing nothing.

Run against it, the driver shows its own ceiling on this machine; no bot can be faster.

    python bench/bare.py --port 3991
"""

from __future__ import annotations

from aiohttp import web
from procs import serve


async def messages(request: web.Request) -> web.Response:
    """Read the body (as any bot must) and answer as a bot does for a message."""
    await request.read()
    return web.Response(status=201)


def create_app() -> web.Application:
    """One route: `POST /api/messages`."""
    app = web.Application()
    app.router.add_post("/api/messages", messages)
    return app


def main() -> None:
    serve(create_app(), __doc__)


if __name__ == "__main__":
    main()
