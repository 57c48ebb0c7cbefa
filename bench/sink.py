"""A minimal Bot Connector sink for the benchmark: the "fake connector" the bots reply to.

It answers the three calls a reply can make — `POST /v3/conversations/{id}/activities`,
`POST …/activities/{replyToId}` and `PUT …/activities/{id}` — with `{"id": "…"}`, and
only counts them (`GET /counts`). It keeps nothing else, so it costs far less per reply
than the bots under test. tests/fakebf.py records everything and runs on a thread; it is
the right fake for correctness, the wrong one for a benchmark.

    python bench/sink.py --port 3990
"""

from __future__ import annotations

import itertools
from collections import Counter

from aiohttp import web
from procs import serve

CARD_MARKER = b"application/vnd.microsoft.card.adaptive"
COUNTS = web.AppKey("counts", Counter)
_ids = itertools.count(1)


async def _answer(request: web.Request, kind: str) -> web.Response:
    """Count one call (and whether it carried an Adaptive Card); answer with a new id."""
    body = await request.read()
    counts = request.app[COUNTS]
    counts[kind] += 1
    if CARD_MARKER in body:
        counts["cards"] += 1
    return web.json_response({"id": f"sink-{next(_ids)}"}, status=200)


async def post_new(request: web.Request) -> web.Response:
    """A new message in a conversation."""
    return await _answer(request, "post_new")


async def post_reply(request: web.Request) -> web.Response:
    """A reply to an activity (what `send_activity` in a turn does)."""
    return await _answer(request, "post_reply")


async def put_update(request: web.Request) -> web.Response:
    """An update of an earlier message (a card replaced in place)."""
    return await _answer(request, "put")


async def counts(request: web.Request) -> web.Response:
    """Every count since the sink started; the driver takes differences."""
    return web.json_response(dict(request.app[COUNTS]))


def create_app() -> web.Application:
    """The sink's routes over one in-memory counter."""
    app = web.Application()
    app[COUNTS] = Counter()
    base = "/v3/conversations/{conversation}/activities"
    app.router.add_post(base, post_new)
    app.router.add_post(base + "/{activity}", post_reply)
    app.router.add_put(base + "/{activity}", put_update)
    app.router.add_get("/counts", counts)
    return app


def main() -> None:
    serve(create_app(), __doc__)


if __name__ == "__main__":
    main()
