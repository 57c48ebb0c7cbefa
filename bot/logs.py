"""Logging for `pejling serve` and the other commands: plain lines, or one JSON object a
line (`PEJLING_LOG_FORMAT=json`) for a log collector.

What is logged at INFO and above holds ids, counts and outcomes, never what people typed
nor a credential. As a second guard, a filter masks bearer tokens and the app password
wherever they would still appear, in the message or in a traceback.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

PLAIN = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_BEARER = re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]+", re.IGNORECASE)
MASK = "***"


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, and the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


class SecretFilter(logging.Filter):
    """Masks bearer tokens and the given secrets in a record, traceback included."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = [secret for secret in secrets if len(secret) >= 4]

    def filter(self, record: logging.LogRecord) -> bool:
        message = self.mask(record.getMessage())
        if record.exc_info:
            # Formatted once here, so the handler prints the masked text.
            record.exc_text = self.mask(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        record.msg, record.args = message, None
        return True

    def mask(self, text: str) -> str:
        text = _BEARER.sub(rf"\g<1>{MASK}", text)
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return text


def configure(log_format: str = "plain", secrets: Iterable[str] = ()) -> None:
    """Set up the root logger once, at the start of a command."""
    if log_format not in ("plain", "json"):
        raise ValueError(f"PEJLING_LOG_FORMAT must be plain or json, not {log_format!r}")
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(PLAIN))
    handler.addFilter(SecretFilter(secrets))
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
