"""`GET /dokument/{token}`: a committee document behind a signed link (store/links.py).

200 with the file; 404 for a token that is no link of ours or a document that no longer
exists; 403 for an altered or forged link, or when its person or committee may no longer
see the document; 410 when it has expired. The answer is never cached, and the file comes
as an attachment with its Danish name."""

from __future__ import annotations

import logging
from urllib.parse import quote

from aiohttp import web

from dialoger.documents import Rendered, render
from kort.catalogue import texts
from store import links, people
from store.dates import LOCAL_TIME
from store.errors import DomainError, RowMissing

log = logging.getLogger(__name__)
PATH = "/dokument/{token}"
LONGEST = 2048  # a token of ours is a few hundred characters
t = texts()


async def serve(request: web.Request) -> web.Response:
    from bot.app import RUNTIME  # the app module imports this one

    runtime = request.app[RUNTIME]
    token = request.match_info["token"]
    now = runtime.bot.clock()
    try:
        if len(token) > LONGEST:
            raise links.LinkRefused("dokument.link_ukendt", 404)
        async with runtime.sessions() as session:
            opened = await links.open_link(session, token, now)
            actor = None
            if opened.audience.person_id is not None:
                day = now.astimezone(LOCAL_TIME).date()
                actor = await people.actor_on(session, opened.audience.person_id, day)
            if not await links.audience_may_see(session, opened, actor):
                raise links.LinkRefused("dokument.link_ikke_din", 403)
            author = actor.person_name if actor else "Pejling"
            made = await render(session, opened.request, author, now)
    except links.LinkRefused as refused:
        return _refused(refused.status, refused.key)
    except RowMissing:  # the person the link was made for is gone
        return _refused(403, "dokument.link_ikke_din")
    except DomainError as missing:  # the meeting, summary or unit no longer exists
        return _refused(404, missing.key if t.has(missing.key) else "dokument.link_ukendt")
    return _file(made)


def _refused(status: int, key: str) -> web.Response:
    return web.Response(status=status, text=t(key), headers=_private())


def _file(made: Rendered) -> web.Response:
    disposition = f"attachment; filename*=UTF-8''{quote(made.file_name)}"
    headers = _private() | {"Content-Disposition": disposition}
    return web.Response(body=made.content, content_type=made.media_type, headers=headers)


def _private() -> dict[str, str]:
    return {
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }
