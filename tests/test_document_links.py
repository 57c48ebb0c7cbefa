"""Signed document links, tried as an attacker would: another person's link, a link for
another committee, an expired one, a forged or altered signature, and rubbish; then the
real thing, served by Pejling over HTTP as the file with its Danish name."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from documentkit import MADE, a_year_behind
from harness import RunningPejling
from store import documents, links
from store.documentviews import DocumentRequest
from store.links import Audience, LinkRefused
from store.models import Committee, Meeting, Period, Person, Unit
from store.orgfile import OrgFile
from store_helpers import Sessions, actor_of, id_of, municipality_id


async def report_request(
    sessions: Sessions, org: OrgFile, committee: str = "buu"
) -> DocumentRequest:
    async with sessions() as session:
        return DocumentRequest(
            "rapport",
            committee_id=await id_of(session, Committee, committee, org),
            period_id=await id_of(session, Period, "valgperiode-2026-2029", org),
        )


async def signed(
    sessions: Sessions, org: OrgFile, request: DocumentRequest, audience: Audience
) -> str:
    async with sessions.begin() as session:
        town = await municipality_id(session, org)
        return await links.sign(session, town, request, audience, MADE)


async def person(sessions: Sessions, org: OrgFile, key: str) -> int:
    async with sessions() as session:
        return await id_of(session, Person, key, org)


async def refusal(sessions: Sessions, token: str, after: timedelta = timedelta()) -> int:
    async with sessions() as session:
        with pytest.raises(LinkRefused) as refused:
            await links.open_link(session, token, MADE + after)
        return refused.value.status


def altered(token: str, **changes: object) -> str:
    """The token with its payload changed and its signature kept, as an attacker would."""
    body, _, signature = token.partition(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload.update(changes)
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return f"{base64.urlsafe_b64encode(raw).rstrip(b'=').decode()}.{signature}"


async def test_only_those_allowed_may_have_a_document(sessions: Sessions, demo: OrgFile) -> None:
    buu, oeu = await report_request(sessions, demo), await report_request(sessions, demo, "oeu")
    async with sessions() as session:
        jens, inger = await actor_of(session, demo, "jens"), await actor_of(session, demo, "inger")
        camilla, mette = (
            await actor_of(session, demo, "camilla"),
            await actor_of(session, demo, "mette"),
        )
        henrik = await actor_of(session, demo, "henrik")
        unit = await id_of(session, Unit, "boegeskov-skole", demo)
        agreement = DocumentRequest("aftale", period_id=buu.period_id, unit_id=unit)
        trail = DocumentRequest("revision", committee_id=buu.committee_id, period_id=buu.period_id)
        assert await documents.may_see(session, jens, buu)  # his committee
        assert not await documents.may_see(session, inger, buu)  # another committee's politician
        assert await documents.may_see(session, camilla, oeu)  # the administration: any
        assert await documents.may_see(session, henrik, buu)  # his department's committee
        assert not await documents.may_see(session, mette, buu)  # a leader: not the whole report
        assert await documents.may_see(session, mette, agreement)  # but her unit's agreement
        assert not await documents.may_see(session, jens, trail)  # the audit trail: administration
        assert await documents.may_see(session, camilla, trail)


async def test_a_link_opens_for_its_own_person_and_document(
    sessions: Sessions, demo: OrgFile
) -> None:
    request = await report_request(sessions, demo)
    jens = await person(sessions, demo, "jens")
    token = await signed(sessions, demo, request, Audience(person_id=jens))
    async with sessions() as session:
        opened = await links.open_link(session, token, MADE + timedelta(minutes=59))
        assert opened.request == request and opened.audience == Audience(person_id=jens)
        assert await links.audience_may_see(session, opened, await actor_of(session, demo, "jens"))


async def test_another_persons_link_cannot_be_made_from_ones_own(
    sessions: Sessions, demo: OrgFile
) -> None:
    """Inger (another committee) takes Jens's link and puts her own id in it: refused."""
    token = await signed(
        sessions,
        demo,
        await report_request(sessions, demo),
        Audience(person_id=await person(sessions, demo, "jens")),
    )
    inger = await person(sessions, demo, "inger")
    assert await refusal(sessions, altered(token, p=inger)) == 403


async def test_a_channel_link_is_for_that_committees_documents_only(
    sessions: Sessions, demo: OrgFile
) -> None:
    buu = await report_request(sessions, demo)
    oeu = await report_request(sessions, demo, "oeu")
    token = await signed(sessions, demo, buu, Audience(committee_id=buu.committee_id))
    # The other committee's report under this committee's link: the signature no longer fits.
    assert await refusal(sessions, altered(token, d=oeu.as_dict())) == 403
    # Signed for the wrong committee (a bug elsewhere): the check on opening still refuses.
    wrong = await signed(sessions, demo, oeu, Audience(committee_id=buu.committee_id))
    async with sessions() as session:
        opened = await links.open_link(session, wrong, MADE)
        assert not await links.audience_may_see(session, opened, None)


async def test_an_expired_link_is_gone(sessions: Sessions, demo: OrgFile) -> None:
    request = await report_request(sessions, demo)
    mine = await signed(
        sessions, demo, request, Audience(person_id=await person(sessions, demo, "jens"))
    )
    channel = await signed(sessions, demo, request, Audience(committee_id=request.committee_id))
    assert await refusal(sessions, mine, timedelta(hours=1)) == 410
    assert await refusal(sessions, channel, timedelta(hours=24)) == 410
    assert await refusal(sessions, altered(mine, e=2_000_000_000)) == 403  # extended: forged


async def test_forged_and_made_up_links_are_refused(sessions: Sessions, demo: OrgFile) -> None:
    request = await report_request(sessions, demo)
    token = await signed(sessions, demo, request, Audience(committee_id=request.committee_id))
    body, _, signature = token.partition(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    assert await refusal(sessions, f"{body}.{flipped}") == 403
    assert await refusal(sessions, f"{body}.") == 403
    assert await refusal(sessions, "ikke-et-link") == 404
    assert await refusal(sessions, altered(token, m=999)) == 404  # no such municipality
    assert await refusal(sessions, altered(token, d="rapport")) == 404


async def test_the_secret_is_made_once_and_shared(sessions: Sessions, demo: OrgFile) -> None:
    request = await report_request(sessions, demo)
    first = await signed(sessions, demo, request, Audience(committee_id=request.committee_id))
    again = await signed(sessions, demo, request, Audience(committee_id=request.committee_id))
    assert first == again  # same payload, same secret: another instance makes the same link


# --- over HTTP, as a browser opens it ---------------------------------------------------------


async def link_for(
    pejling: RunningPejling, key: str | None, request: DocumentRequest, committee: int | None = None
) -> str:
    sessions = pejling.runtime.sessions
    async with sessions.begin() as session:
        who = await id_of(session, Person, key, pejling.org) if key else None
        town = await municipality_id(session, pejling.org)
        now = pejling.runtime.bot.clock()
        token = await links.sign(session, town, request, Audience(who, committee), now)
    return f"{pejling.url}/dokument/{token}"


async def test_pejling_serves_the_file_and_refuses_the_rest(pejling: RunningPejling) -> None:
    await a_year_behind(pejling.runtime.sessions, pejling.org)
    request = await report_request(pejling.runtime.sessions, pejling.org)
    url = await link_for(pejling, "jens", request)
    async with pejling.http.get(url) as response:
        assert response.status == 200
        assert response.content_type == "application/pdf"
        assert response.headers["Cache-Control"] == "no-store"
        disposition = unquote(response.headers["Content-Disposition"])
        assert "Udvalgsrapport-Børne-og-Uddannelsesudvalget.pdf" in disposition
        assert (await response.read()).startswith(b"%PDF")
    async with pejling.http.get(url[:-3] + "abc") as response:
        assert response.status == 403
        assert "ændret" in await response.text()
    async with pejling.http.get(f"{pejling.url}/dokument/{'x' * 5000}") as response:
        assert response.status == 404
    # Inger's own link to another committee's report is refused when she opens it.
    async with pejling.http.get(await link_for(pejling, "inger", request)) as response:
        assert response.status == 403
    async with pejling.runtime.sessions() as session:
        meeting = (await session.scalars(select(Meeting.id))).one()
    pack = DocumentRequest("pakke", meeting_id=meeting, format="xlsx")
    async with pejling.http.get(
        await link_for(pejling, None, pack, request.committee_id)
    ) as response:
        assert response.status == 200
        assert "spreadsheetml" in response.content_type
    later = pejling.runtime.bot.clock() + timedelta(days=2)
    pejling.runtime.bot.clock = lambda: later
    async with pejling.http.get(url) as response:
        assert response.status == 410
        assert "udløbet" in await response.text()
