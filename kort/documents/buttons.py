"""The *Hent som PDF / Excel* buttons that give a committee document from a card."""

from __future__ import annotations

from typing import Any

from kort import actions
from kort.catalogue import Texts
from kort.common import button, buttons
from store.documentviews import DocumentRequest


def document_buttons(request: DocumentRequest, texts: Texts, excel: bool = True) -> dict[str, Any]:
    """An ActionSet (as card JSON) with a PDF button, and an Excel one where it exists."""
    wanted = [("pdf", "dokument.knap_pdf")] + ([("xlsx", "dokument.knap_excel")] if excel else [])
    found = buttons(
        *(button(texts(label), _data(request, form), validate=False) for form, label in wanted)
    )
    return found.model_dump(mode="json", exclude_none=True, by_alias=True, warnings=False)


def with_documents(
    card: dict[str, Any], request: DocumentRequest, texts: Texts, excel: bool = True
) -> dict[str, Any]:
    """`card` with the document buttons at its end (a new card; `card` is left as it was)."""
    return {**card, "body": [*card.get("body", []), document_buttons(request, texts, excel)]}


def _data(request: DocumentRequest, form: str) -> dict[str, Any]:
    chosen = DocumentRequest(**{**request.as_dict(), "format": form})
    return {"action": actions.DOCUMENT, "document": chosen.as_dict()}
