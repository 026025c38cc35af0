"""Translation catalogs without system gettext: compile .po to .mo (polib), and report gaps."""

from pathlib import Path

import polib
from django.core.management.base import BaseCommand, CommandError, CommandParser

import oms

ROOT = Path(oms.__file__).resolve().parent
LANGS = ("zh_Hans", "zh_Hant")


def catalogs() -> list[Path]:
    return sorted(ROOT.glob("*/locale/*/LC_MESSAGES/*.po"))


def problems(path: Path) -> list[str]:
    po = polib.pofile(str(path))
    found = [f"untranslated: {e.msgid!r}" for e in po.untranslated_entries()]
    found += [f"fuzzy: {e.msgid!r}" for e in po.fuzzy_entries()]
    for e in po:
        if e.msgid_plural and not all(e.msgstr_plural.values()):
            found.append(f"plural untranslated: {e.msgid!r}")
    return found


class Command(BaseCommand):
    help = "compile: build .mo files from every area's .po catalogs; check: list untranslated or fuzzy entries."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["compile", "check"])

    def handle(self, *args, **opts) -> None:
        if opts["action"] == "compile":
            for path in catalogs():
                po = polib.pofile(str(path))
                po.save_as_mofile(str(path.with_suffix(".mo")))
            self.stdout.write(f"compiled {len(catalogs())} catalogs")
            return
        bad = {str(p.relative_to(ROOT)): problems(p) for p in catalogs()}
        bad = {k: v for k, v in bad.items() if v}
        for name, items in bad.items():
            for item in items:
                self.stdout.write(f"{name}: {item}")
        if bad:
            raise CommandError(f"{sum(len(v) for v in bad.values())} catalog problems")
        self.stdout.write("all catalogs complete")
