"""A document ready for journalisation in the municipality's ESDH (eDoc, Acadre, SBSYS,
GetOrganized): the file itself and a metadata file beside it with the same name and
`.json`, in Danish keys, with names and dates instead of internal ids. The ESDH's import
maps these fields onto its own (sagsnummer, dokumenttitel, dokumentdato …)."""

from __future__ import annotations

import json
import re

from kort.catalogue import Texts
from store.dates import LOCAL_TIME
from store.documentviews import JournalMeta


def metadata(meta: JournalMeta, t: Texts) -> bytes:
    fields = {
        t("dokument.journal.titel"): meta.title,
        t("dokument.journal.udvalg"): meta.committee,
        t("dokument.journal.periode"): meta.period,
        t("dokument.journal.moededato"): meta.meeting_date.isoformat()
        if meta.meeting_date
        else None,
        t("dokument.journal.sagsnummer"): meta.case_number,
        t("dokument.journal.forfatter"): meta.author,
        t("dokument.journal.oprettet"): meta.created.astimezone(LOCAL_TIME).isoformat(
            timespec="seconds"
        ),
        t("dokument.journal.fil"): meta.file_name,
    }
    return (json.dumps(fields, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def file_name(title: str, suffix: str) -> str:
    """A file name an ESDH and every operating system accept: letters (æøå too), digits,
    dashes; "Udvalgsrapport: Børne- og Uddannelsesudvalget" → "Udvalgsrapport-Børne-og-…"."""
    plain = re.sub(r"[^\w]+", "-", title, flags=re.UNICODE).strip("-")
    return f"{plain[:120] or 'dokument'}.{suffix}"
