"""The Teams app package: its layout, its schema validity, its texts and its icons.

The manifest schemas are vendored under tests/schemas/teams/ (see the README there) and
resolved through a registry that refuses to fetch anything, so the tests never need
the network.
"""

from __future__ import annotations

import argparse
import json
import string
import struct
import zipfile
import zlib
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource

from bot import manifest as teams_app
from harness import walk
from kort.catalogue import texts

SCHEMA_DIR = Path(__file__).parent / "schemas" / "teams"
SCHEMA_URL = "https://developer.microsoft.com/json-schemas/teams/{version}/{name}"
MANIFEST_SCHEMA = "MicrosoftTeams.schema.json"
LOCALIZATION_SCHEMA = "MicrosoftTeams.Localization.schema.json"

BOT_ID = "3f2a8c1e-7b4d-4e9a-9c2f-1a2b3c4d5e6f"
APP_ID = "9d8c7b6a-5f4e-4d3c-8b2a-0f1e2d3c4b5a"
ROOT_ENTRIES = {"manifest.json", "en-us.json", "color.png", "outline.png"}

# Teams' documented limits for bot commands. Schema v1.24+ allows longer ones, but the
# command menu truncates beyond these, so we hold ourselves to them.
COMMAND_TITLE_MAX = 32
COMMAND_DESCRIPTION_MAX = 128


# --- helpers -------------------------------------------------------------------------


@cache
def schema_registry() -> Registry:
    """Every vendored schema under its official URL; any other URL is refused, not fetched."""

    def refuse(uri: str) -> Resource:
        raise NoSuchResource(ref=uri)

    resources = [
        (
            SCHEMA_URL.format(version=path.parent.name, name=path.name),
            Resource.from_contents(json.loads(path.read_text(encoding="utf-8"))),
        )
        for path in sorted(SCHEMA_DIR.glob("v*/*.schema.json"))
    ]
    return Registry(retrieve=refuse).with_resources(resources)


def validator_for(document: dict[str, Any]) -> Draft4Validator:
    """A draft-04 validator for the vendored schema that the document's `$schema` names."""
    schema = schema_registry().contents(document["$schema"])
    # Structure only: one pattern uses ECMAScript's \p{L}, which Python's re cannot
    # compile, so the metaschema's "format": "regex" check would reject the schema. That
    # pattern guards an Office add-in field that a bot manifest never has.
    Draft4Validator.check_schema(schema, format_checker=None)
    return Draft4Validator(
        schema, registry=schema_registry(), format_checker=Draft4Validator.FORMAT_CHECKER
    )


def schema_errors(document: dict[str, Any]) -> list[str]:
    """Readable schema errors (path: message), empty when the document is valid."""
    errors = validator_for(document).iter_errors(document)
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in errors]


def external_refs(node: Any) -> Iterator[str]:
    """Every `$ref` that points outside its own document."""
    for part in walk(node):
        ref = part.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            yield ref


def png_chunks(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """The (type, body) chunks of a PNG file."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    offset = 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        yield kind, data[offset + 8 : offset + 8 + length]
        offset += 12 + length  # length, type, body, CRC


def png_header(data: bytes) -> tuple[int, int, int, int, int]:
    """Width, height, bit depth, colour type and interlace method from IHDR."""
    kind, body = next(png_chunks(data))
    assert kind == b"IHDR"
    width, height, depth, color_type, _, _, interlace = struct.unpack(">IIBBBBB", body)
    return width, height, depth, color_type, interlace


def png_rgba_rows(data: bytes) -> list[bytes]:
    """The unfiltered rows of an 8-bit, non-interlaced RGBA PNG (4 bytes a pixel)."""
    width, height, depth, color_type, interlace = png_header(data)
    assert (depth, color_type, interlace) == (8, 6, 0), "expected 8-bit RGBA, not interlaced"
    raw = zlib.decompress(b"".join(body for kind, body in png_chunks(data) if kind == b"IDAT"))
    stride = width * 4
    rows: list[bytes] = []
    previous = bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        row = unfilter(raw[start], raw[start + 1 : start + 1 + stride], previous)
        rows.append(row)
        previous = row
    return rows


def unfilter(kind: int, line: bytes, above: bytes, bpp: int = 4) -> bytes:
    """Undo one PNG scanline filter (PNG spec §9.2)."""
    out = bytearray(line)
    for i in range(len(out)):
        left = out[i - bpp] if i >= bpp else 0
        up = above[i]
        up_left = above[i - bpp] if i >= bpp else 0
        predictor = (0, left, up, (left + up) // 2, paeth(left, up, up_left))[kind]
        out[i] = (out[i] + predictor) & 0xFF
    return bytes(out)


def paeth(a: int, b: int, c: int) -> int:
    """The Paeth predictor: whichever neighbour is closest to a + b - c."""
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def pixels(data: bytes) -> Iterator[tuple[int, int, int, int]]:
    """Every pixel of an RGBA PNG as (r, g, b, a)."""
    for row in png_rgba_rows(data):
        for x in range(0, len(row), 4):
            yield row[x], row[x + 1], row[x + 2], row[x + 3]


def command_lists(manifest: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    """The bot's commands by scope."""
    return {
        scope: command_list["commands"]
        for command_list in manifest["bots"][0]["commandLists"]
        for scope in command_list["scopes"]
    }


def placeholders(template: str) -> set[str]:
    """The `{name}` fields of a catalogue text."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


# --- fixtures ------------------------------------------------------------------------


@pytest.fixture
def package(tmp_path: Path) -> dict[str, bytes]:
    """The built package, unzipped into a name → bytes mapping."""
    path = teams_app.build_package(APP_ID, BOT_ID, tmp_path / "app.zip", version="1.2.3")
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture
def manifest(package: dict[str, bytes]) -> dict[str, Any]:
    return json.loads(package["manifest.json"].decode("utf-8"))


@pytest.fixture
def localization(package: dict[str, bytes]) -> dict[str, Any]:
    return json.loads(package["en-us.json"].decode("utf-8"))


# --- the package ---------------------------------------------------------------------


def test_package_holds_the_four_files_at_the_root(package: dict[str, bytes]) -> None:
    # Teams fails with "Failed to find icon ..." when the files sit in a folder.
    assert set(package) == ROOT_ENTRIES


def test_static_files_are_copied_unchanged(package: dict[str, bytes]) -> None:
    for name in teams_app.STATIC_FILES:
        assert package[name] == (teams_app.MANIFEST_DIR / name).read_bytes()


def test_the_ids_and_version_are_filled_in(manifest: dict[str, Any]) -> None:
    assert manifest["id"] == APP_ID
    assert manifest["bots"][0]["botId"] == BOT_ID
    assert manifest["version"] == "1.2.3"
    assert "${{" not in json.dumps(manifest)


def test_the_same_inputs_give_the_same_bytes(tmp_path: Path) -> None:
    first = teams_app.build_package(APP_ID, BOT_ID, tmp_path / "a.zip", version="1.0.0")
    second = teams_app.build_package(APP_ID, BOT_ID, tmp_path / "b.zip", version="1.0.0")
    assert first.read_bytes() == second.read_bytes()


def test_a_folder_as_out_gets_the_default_file_name(tmp_path: Path) -> None:
    path = teams_app.build_package(APP_ID, BOT_ID, tmp_path)
    assert path == tmp_path / teams_app.DEFAULT_OUT
    assert path.is_file()


def test_the_default_version_is_plain_semver() -> None:
    assert teams_app.SEMVER.fullmatch(teams_app.PEJLING_VERSION)


@pytest.mark.parametrize(
    "bad_id",
    [
        "",
        "not-a-guid",
        "3f2a8c1e7b4d4e9a9c2f1a2b3c4d5e6f",
        "{3f2a8c1e-7b4d-4e9a-9c2f-1a2b3c4d5e6f}",
        " 3f2a8c1e-7b4d-4e9a-9c2f-1a2b3c4d5e6f",
        "3f2a8c1e-7b4d-4e9a-9c2f-1a2b3c4d5e6g",
    ],
)
def test_a_bot_id_that_is_not_a_guid_is_refused(tmp_path: Path, bad_id: str) -> None:
    with pytest.raises(ValueError, match="bot_id"):
        teams_app.build_package(APP_ID, bad_id, tmp_path / "app.zip")
    assert not (tmp_path / "app.zip").exists()


def test_an_app_id_that_is_not_a_guid_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="app_id"):
        teams_app.build_package("pejling", BOT_ID, tmp_path / "app.zip")


@pytest.mark.parametrize("bad_version", ["1.2", "1.2.3-beta", "01.2.3", "1.2.3.4", "v1.2.3"])
def test_a_version_teams_rejects_is_refused(tmp_path: Path, bad_version: str) -> None:
    with pytest.raises(ValueError, match="version"):
        teams_app.build_package(APP_ID, BOT_ID, tmp_path / "app.zip", version=bad_version)


def test_an_unknown_placeholder_fails_loudly() -> None:
    with pytest.raises(ValueError, match="NEW_THING"):
        teams_app.fill_template({"a": ["${{NEW_THING}}"]}, {})


# --- schema validity -----------------------------------------------------------------


def test_the_vendored_schemas_need_no_network() -> None:
    for path in SCHEMA_DIR.glob("v*/*.schema.json"):
        refs = list(external_refs(json.loads(path.read_text(encoding="utf-8"))))
        assert refs == [], f"{path.name} refers outside itself; vendor these too: {refs}"


def test_manifest_version_matches_the_schema_url(manifest: dict[str, Any]) -> None:
    version = manifest["manifestVersion"]
    assert manifest["$schema"] == SCHEMA_URL.format(version=f"v{version}", name=MANIFEST_SCHEMA)


def test_manifest_is_valid(manifest: dict[str, Any]) -> None:
    assert schema_errors(manifest) == []


def test_localization_file_is_valid(manifest: dict[str, Any], localization: dict[str, Any]) -> None:
    # Teams requires the same schema version in the manifest and its language files.
    expected = SCHEMA_URL.format(
        version=f"v{manifest['manifestVersion']}", name=LOCALIZATION_SCHEMA
    )
    assert localization["$schema"] == expected
    assert schema_errors(localization) == []


def test_the_schema_check_does_catch_mistakes(manifest: dict[str, Any]) -> None:
    broken = {**manifest, "accentColor": "blue", "bots": [{**manifest["bots"][0], "botId": "x"}]}
    assert len(schema_errors(broken)) == 2


def test_danish_is_the_default_and_english_the_extra_language(manifest: dict[str, Any]) -> None:
    info = manifest["localizationInfo"]
    assert info["defaultLanguageTag"] == "da-dk"
    assert info["additionalLanguages"] == [{"languageTag": "en-us", "file": "en-us.json"}]


def test_the_icons_named_in_the_manifest_are_in_the_package(
    manifest: dict[str, Any], package: dict[str, bytes]
) -> None:
    assert set(manifest["icons"].values()) <= set(package)


# --- the bot and its commands --------------------------------------------------------


def test_one_conversational_bot_for_personal_chat_and_teams(manifest: dict[str, Any]) -> None:
    (bot,) = manifest["bots"]
    assert sorted(bot["scopes"]) == ["personal", "team"]
    # The committee's documents come as files in a personal chat (bot/document_buttons.py).
    assert bot["supportsFiles"] is True
    assert bot["isNotificationOnly"] is False


def test_the_danish_commands(manifest: dict[str, Any]) -> None:
    titles = {scope: [c["title"] for c in cmds] for scope, cmds in command_lists(manifest).items()}
    assert titles == {"personal": ["status", "hjælp"], "team": ["tilknyt", "hjælp"]}


def test_every_command_is_translated_and_nothing_else(
    manifest: dict[str, Any], localization: dict[str, Any]
) -> None:
    expected = {
        f"bots[0].commandLists[{i}].commands[{j}].{field}"
        for i, command_list in enumerate(manifest["bots"][0]["commandLists"])
        for j, command in enumerate(command_list["commands"])
        for field in command
    }
    translated = {key for key in localization if key.startswith("bots[")}
    assert translated == expected


def danish_and_english_texts(
    manifest: dict[str, Any], localization: dict[str, Any]
) -> Iterator[tuple[str, str, str]]:
    """(language, field, text) for every text that the two languages show."""
    for field in ("name.short", "name.full", "description.short", "description.full"):
        group, key = field.split(".")
        yield "da", field, manifest[group][key]
        yield "en", field, localization[field]
    for i, command_list in enumerate(manifest["bots"][0]["commandLists"]):
        for j, command in enumerate(command_list["commands"]):
            for field, text in command.items():
                yield "da", f"command.{field}", text
                yield (
                    "en",
                    f"command.{field}",
                    localization[f"bots[0].commandLists[{i}].commands[{j}].{field}"],
                )


def test_texts_fit_teams_limits(manifest: dict[str, Any], localization: dict[str, Any]) -> None:
    # Checked here, not only by the schema: draft-04 ignores the maxLength that the
    # localization schema puts next to a $ref, so an overlong translation would pass.
    limits = {
        "name.short": 30,
        "name.full": 100,
        "description.short": 80,
        "description.full": 4000,
        "command.title": COMMAND_TITLE_MAX,
        "command.description": COMMAND_DESCRIPTION_MAX,
    }
    for language, field, text in danish_and_english_texts(manifest, localization):
        assert text.strip(), f"{language} {field} is empty"
        assert len(text) <= limits[field], f"{language} {field} is too long: {text!r}"


def test_developer_links_are_https(manifest: dict[str, Any]) -> None:
    for key in ("websiteUrl", "privacyUrl", "termsOfUseUrl"):
        assert manifest["developer"][key].startswith("https://")


# --- icons ---------------------------------------------------------------------------


def test_color_icon_is_192_square(package: dict[str, bytes]) -> None:
    width, height, *_ = png_header(package["color.png"])
    assert (width, height) == (192, 192)


def test_outline_icon_is_32_square(package: dict[str, bytes]) -> None:
    width, height, *_ = png_header(package["outline.png"])
    assert (width, height) == (32, 32)


def test_outline_icon_is_white_on_transparency(package: dict[str, bytes]) -> None:
    outline = list(pixels(package["outline.png"]))
    drawn = [pixel for pixel in outline if pixel[3] > 0]
    assert all(pixel[:3] == (255, 255, 255) for pixel in drawn), "only white may be drawn"
    assert outline[0][3] == 0, "the background must be transparent"
    assert any(pixel[3] == 255 for pixel in drawn), "the lines must be solid somewhere"


def test_the_png_reader_sees_colour_where_there_is_colour(package: dict[str, bytes]) -> None:
    # Guards the hand-written decoder: the orange needle must show up in the colour icon.
    colours = {pixel[:3] for pixel in pixels(package["color.png"])}
    assert (0xF2, 0x6B, 0x3A) in colours


# --- `pejling manifest` --------------------------------------------------------------


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="pejling manifest")
    teams_app.add_arguments(parser)
    return parser.parse_args(argv)


def test_cli_without_a_bot_id_says_what_to_set(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.delenv("MicrosoftAppId", raising=False)
    assert teams_app.run(parse(["--out", str(tmp_path / "app.zip")])) == 2
    error = capsys.readouterr().err
    assert texts("da")("manifest.no_bot_id") in error
    assert "MicrosoftAppId" in error
    assert not (tmp_path / "app.zip").exists()


def test_cli_takes_the_bot_id_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("MicrosoftAppId", BOT_ID)
    out = tmp_path / "app.zip"
    assert teams_app.run(parse(["--out", str(out)])) == 0
    with zipfile.ZipFile(out) as archive:
        built = json.loads(archive.read("manifest.json"))
    # Like Microsoft's samples, the Teams app id defaults to the bot id.
    assert built["id"] == built["bots"][0]["botId"] == BOT_ID
    assert built["version"] == teams_app.PEJLING_VERSION
    assert str(out) in capsys.readouterr().out


def test_cli_options_win_over_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MicrosoftAppId", "00000000-0000-0000-0000-000000000000")
    out = tmp_path / "app.zip"
    argv = ["--bot-id", BOT_ID, "--app-id", APP_ID, "--out", str(out), "--app-version", "2.0.1"]
    assert teams_app.run(parse(argv)) == 0
    with zipfile.ZipFile(out) as archive:
        built = json.loads(archive.read("manifest.json"))
    assert (built["id"], built["bots"][0]["botId"], built["version"]) == (APP_ID, BOT_ID, "2.0.1")


@pytest.mark.parametrize(
    ("argv", "key"),
    [
        (["--bot-id", "min-bot"], "manifest.invalid_bot_id"),
        (["--bot-id", BOT_ID, "--app-id", "min-app"], "manifest.invalid_app_id"),
        (["--bot-id", BOT_ID, "--app-version", "1.0"], "manifest.invalid_version"),
    ],
)
def test_cli_explains_bad_input_in_danish(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], key: str
) -> None:
    code = teams_app.run(parse([*argv, "--out", str(tmp_path / "app.zip")]))
    assert code == 2
    bad_value = argv[-1]
    assert texts("da")(key, value=bad_value) in capsys.readouterr().err


def test_catalogues_agree_on_keys_and_placeholders() -> None:
    danish, english = texts("da"), texts("en")
    danish_keys, english_keys = danish.keys(), english.keys()
    ours = {key for key in danish_keys if key.startswith("manifest.")}
    assert ours == {key for key in english_keys if key.startswith("manifest.")}
    for key in ours:
        assert placeholders(danish(key)) == placeholders(english(key)), key
