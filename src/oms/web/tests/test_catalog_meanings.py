"""One msgid, one meaning: Django merges every area's catalog into one per language, so when two
areas translate the same (context, msgid) differently, one of them wins everywhere (the transfer
plan's warehouse columns read 起始日期/截止日期 because the sign-in log said so for dates). A short
or ambiguous English string therefore gets a context (pgettext, `{% translate "From" context "warehouse" %}`)
and the same source string reads the same in every area.

The Traditional catalogs were drafted by a converter (OpenCC s2twp); the second test keeps out the
wordings it produces that a Taiwan or Hong Kong operator would not write."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import polib
import pytest

import oms
from oms.web.traditional import artefacts, fix

ROOT = Path(oms.__file__).resolve().parent
CATALOGS = sorted(ROOT.glob("*/locale/*/LC_MESSAGES/django.po"))


def _entries(path: Path) -> list[polib.POEntry]:
    return [e for e in polib.pofile(str(path)) if not e.obsolete and e.translated()]


def _language(path: Path) -> str:
    return path.parts[-3]


def test_catalogs_were_found():
    assert {_language(p) for p in CATALOGS} == {"zh_Hans", "zh_Hant"}
    assert len(CATALOGS) >= 14


@pytest.mark.parametrize("language", ["zh_Hans", "zh_Hant"])
def test_one_msgid_has_one_translation_in_every_area(language: str):
    seen: dict[tuple[str | None, str], dict[str, str]] = defaultdict(dict)
    for path in CATALOGS:
        if _language(path) != language:
            continue
        area = path.relative_to(ROOT).parts[0]
        for e in _entries(path):
            text = e.msgstr_plural.get(0, "") if e.msgid_plural else e.msgstr
            seen[(e.msgctxt, e.msgid)][area] = text
    clashes = [
        f"{f'[{ctx}] ' if ctx else ''}{msgid!r}: {by_area}"
        for (ctx, msgid), by_area in sorted(seen.items(), key=lambda kv: (kv[0][0] or "", kv[0][1]))
        if len(set(by_area.values())) > 1
    ]
    assert not clashes, (
        "the same source string is translated differently in two areas; give it a context "
        "(pgettext) where the meanings differ, else use one wording:\n" + "\n".join(clashes)
    )


def test_traditional_catalogs_read_as_written_in_taiwan_or_hong_kong():
    found = []
    for path in CATALOGS:
        if _language(path) != "zh_Hant":
            continue
        for e in _entries(path):
            for text in e.msgstr_plural.values() if e.msgid_plural else [e.msgstr]:
                found += [
                    f"{path.relative_to(ROOT).parts[0]}: {text!r}: write {fix(text)!r}" for _ in artefacts(text)[:1]
                ]
    assert not found, "\n".join(found)
