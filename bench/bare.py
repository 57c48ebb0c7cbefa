"""The floor: an aiohttp handler that takes the same POST and answers 201, doing nothing.

Run against it, the driver shows its own ceiling on this machine; no bot can be faster.

    python bench/bare.py --port 3991
"""

from __future__ import annotations

import argparse

from aiohttp import web


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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    web.run_app(create_app(), host="127.0.0.1", port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
