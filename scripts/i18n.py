#!/usr/bin/env python3
"""Developer tool for the translation catalogs.

    python scripts/i18n.py extract                 # refresh every area's zh_Hans/zh_Hant .po (make catalogs)
    python scripts/i18n.py missing [AREA]          # msgids still untranslated or fuzzy in zh_Hans
    python scripts/i18n.py fill AREA FILE.json     # {"msgid": "简体译文", ...} -> zh_Hans; zh_Hant drafted by
                                                   # OpenCC (s2twp) + oms.web.traditional where
                                                   # it is empty, for review;
                                                   # an entry with a context: "context\u0004msgid"
Plural entries take a list ["单数", "复数"] (Chinese uses one form; give the same twice).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent / "src" / "oms"
AREAS = ["core", "accounts", "system", "channels", "orders", "inventory", "logistics", "monitoring", "support", "web"]
# -P: the area directory is the working directory; keep it off sys.path, or an area module named like a
# stdlib one (orders/selectors.py) shadows it.
OMS = [sys.executable, "-P", "-m", "oms.cli"]


def po_path(area: str, lang: str) -> Path:
    return ROOT / area / "locale" / lang / "LC_MESSAGES" / "django.po"


def extract(areas: list[str]) -> None:
    for area in areas:
        (ROOT / area / "locale").mkdir(exist_ok=True)
        subprocess.run(
            [*OMS, "makemessages", "-l", "zh_Hans", "-l", "zh_Hant", "--no-obsolete", "--no-location", "-v", "0"],
            cwd=ROOT / area,
            check=True,
        )


def missing(areas: list[str]) -> None:
    for area in areas:
        path = po_path(area, "zh_Hans")
        if not path.exists():
            continue
        po = polib.pofile(str(path))
        for e in po.untranslated_entries() + po.fuzzy_entries():
            print(json.dumps({"area": area, "msgid": key(e), "plural": e.msgid_plural or None}, ensure_ascii=False))


def key(entry: polib.POEntry) -> str:
    """The JSON key of an entry: its msgid, or "context\u0004msgid" for one with a context (pgettext)."""
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def fill(area: str, source: Path) -> None:
    import opencc

    from oms.web import traditional

    converter = opencc.OpenCC("s2twp")
    table: dict[str, str | list[str]] = json.loads(source.read_text())
    for lang in ("zh_Hans", "zh_Hant"):
        path = po_path(area, lang)
        po = polib.pofile(str(path))
        for e in po:
            if key(e) in table:
                value = table[key(e)]
                forms = value if isinstance(value, list) else [value]
                if lang == "zh_Hant":
                    existing = e.msgstr_plural.get(0) if e.msgid_plural else e.msgstr
                    if existing and "fuzzy" not in e.flags:
                        continue
                    forms = [traditional.fix(converter.convert(f)) for f in forms]
                if e.msgid_plural:
                    e.msgstr_plural = {0: forms[0]}
                else:
                    e.msgstr = forms[0]
                if "fuzzy" in e.flags:
                    e.flags.remove("fuzzy")
                    e.previous_msgid = e.previous_msgctxt = e.previous_msgid_plural = None
        po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
        po.save(str(path))


if __name__ == "__main__":
    cmd, *rest = sys.argv[1:] or ["help"]
    if cmd == "extract":
        extract(rest or AREAS)
    elif cmd == "missing":
        missing(rest or AREAS)
    elif cmd == "fill":
        fill(rest[0], Path(rest[1]))
    else:
        print(__doc__)
