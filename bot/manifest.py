"""Build the Teams app package: the zip an administrator uploads to install Pejling.

The template lives in the repository's `manifest/` folder (manifest.json with
`${{NAME}}` placeholders, en-us.json, color.png, outline.png). It is found relative to
this file, which works in a source checkout and with the editable install
(`pip install -e .`); a wheel install does not carry `manifest/`.

Also the glue for `pejling manifest`: `add_arguments(parser)` and `run(args)`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any

from kort.catalogue import texts

MANIFEST_DIR = Path(__file__).resolve().parents[1] / "manifest"
TEMPLATE = "manifest.json"
# Teams looks these up by the relative paths in manifest.json, so they go in as-is.
STATIC_FILES = ("en-us.json", "color.png", "outline.png")
DEFAULT_OUT = "pejling-teams-app.zip"
# Azure Bot's own name for the bot's app id (see shared/DESIGN.md, "Environment").
BOT_ID_VARIABLE = "MicrosoftAppId"

GUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
# Teams wants plain MAJOR.MINOR.PATCH: no pre-release or build suffix.
SEMVER = re.compile(r"^(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)$")
PLACEHOLDER = re.compile(r"\$\{\{([A-Z_]+)\}\}")
# A fixed timestamp makes the zip byte-for-byte reproducible for the same inputs.
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)


class InvalidPackageInput(ValueError):
    """An id or version that Teams would reject; `field` names the argument."""

    def __init__(self, field: str, value: str, expected: str) -> None:
        super().__init__(f"{field} must be {expected}, got {value!r}")
        self.field = field
        self.value = value


def pejling_version() -> str:
    """Pejling's installed version cut to MAJOR.MINOR.PATCH, which is all Teams accepts."""
    try:
        installed = metadata.version("pejling")
    except metadata.PackageNotFoundError:
        return "0.0.0"
    numbers = re.match(r"^(\d+)(?:\.(\d+))?(?:\.(\d+))?", installed)
    if numbers is None:
        return "0.0.0"
    return ".".join(str(int(part or 0)) for part in numbers.groups())


PEJLING_VERSION = pejling_version()


def build_package(app_id: str, bot_id: str, out: Path, version: str = PEJLING_VERSION) -> Path:
    """Write the Teams app package to `out` and return its path.

    `bot_id` is the bot's MicrosoftAppId and `app_id` the Teams app id; both must be
    GUIDs, and `version` must be MAJOR.MINOR.PATCH (raises InvalidPackageInput). If `out`
    is an existing folder, the package is written into it as pejling-teams-app.zip.
    """
    _require(GUID, "bot_id", bot_id, "a GUID")
    _require(GUID, "app_id", app_id, "a GUID")
    _require(SEMVER, "version", version, "MAJOR.MINOR.PATCH")
    manifest = fill_template(
        read_template(), {"TEAMS_APP_ID": app_id, "BOT_ID": bot_id, "APP_VERSION": version}
    )
    entries = {TEMPLATE: _json_bytes(manifest)}
    entries.update({name: (MANIFEST_DIR / name).read_bytes() for name in STATIC_FILES})
    target = out / DEFAULT_OUT if out.is_dir() else out
    _write_zip(target, entries)
    return target


def template_available() -> bool:
    """Whether every file of the package template is where this module expects it."""
    return all((MANIFEST_DIR / name).is_file() for name in (TEMPLATE, *STATIC_FILES))


def read_template() -> dict[str, Any]:
    """The manifest template, placeholders and all."""
    return json.loads((MANIFEST_DIR / TEMPLATE).read_text(encoding="utf-8"))


def fill_template(node: Any, values: dict[str, str]) -> Any:
    """Replace every `${{NAME}}` in the strings of a JSON tree with `values[NAME]`.

    Filling the parsed tree rather than the raw text means a value can never break the
    JSON, and a placeholder without a value fails loudly instead of shipping to Teams.
    """
    if isinstance(node, dict):
        return {key: fill_template(value, values) for key, value in node.items()}
    if isinstance(node, list):
        return [fill_template(item, values) for item in node]
    if isinstance(node, str):
        return PLACEHOLDER.sub(lambda match: _placeholder_value(match[1], values), node)
    return node


def _placeholder_value(name: str, values: dict[str, str]) -> str:
    try:
        return values[name]
    except KeyError:
        raise ValueError(
            f"the manifest template uses ${{{{{name}}}}}, which has no value"
        ) from None


def _require(pattern: re.Pattern[str], field: str, value: str, expected: str) -> None:
    if not pattern.fullmatch(value):
        raise InvalidPackageInput(field, value, expected)


def _json_bytes(document: dict[str, Any]) -> bytes:
    # UTF-8 without a BOM and with æ, ø, å kept readable; Teams reads it as is.
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _write_zip(target: Path, entries: dict[str, bytes]) -> None:
    """Write the entries at the root of a zip, via a temporary file so no half zip is left."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in entries.items():
                info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, data)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


# --- `pejling manifest` ------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of `pejling manifest` to its subparser."""
    t = texts()
    parser.add_argument("--bot-id", help=t("manifest.help.bot_id"))
    parser.add_argument("--app-id", help=t("manifest.help.app_id"))
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(DEFAULT_OUT),
        help=t("manifest.help.out", default=DEFAULT_OUT),
    )
    parser.add_argument(
        "--app-version",
        default=PEJLING_VERSION,
        help=t("manifest.help.app_version", default=PEJLING_VERSION),
    )


def run(args: argparse.Namespace) -> int:
    """Build the package from the parsed options; 0 on success, 2 on bad input, 1 otherwise."""
    t = texts()
    # The environment is read here, not as an argparse default, so it is read when used.
    bot_id = (args.bot_id or os.environ.get(BOT_ID_VARIABLE) or "").strip()
    if not bot_id:
        return _fail(t("manifest.no_bot_id"), 2)
    if not template_available():
        return _fail(t("manifest.template_missing", path=MANIFEST_DIR), 1)
    app_id = (args.app_id or bot_id).strip()
    try:
        path = build_package(app_id, bot_id, args.out, args.app_version)
    except InvalidPackageInput as error:
        return _fail(t(f"manifest.invalid_{error.field}", value=error.value), 2)
    except OSError as error:
        return _fail(t("manifest.not_written", path=args.out, reason=error.strerror or error), 1)
    print(t("manifest.written", path=path))
    return 0


def _fail(message: str, code: int) -> int:
    print(message, file=sys.stderr)
    return code
