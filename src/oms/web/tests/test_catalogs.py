"""Every string a person sees is translated: extract all strings afresh (as `make catalogs` does)
into a copy of the tree and require that no zh_Hans/zh_Hant entry is missing or fuzzy."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib

import oms
from oms.testing import services

ROOT = Path(oms.__file__).resolve().parent
APP_DIRS = [
    "core",
    "accounts",
    "system",
    "channels",
    "orders",
    "inventory",
    "logistics",
    "monitoring",
    "support",
    "web",
]


def test_every_string_is_translated(tmp_path: Path) -> None:
    if not shutil.which("xgettext"):
        services.missing("xgettext (Debian's gettext package)")
    tree = tmp_path / "oms"
    shutil.copytree(ROOT, tree, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "tests", "migrations"))
    problems: list[str] = []
    for app in APP_DIRS:
        app_dir = tree / app
        (app_dir / "locale").mkdir(exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                "-P",  # cwd is an app dir: its selectors.py etc. must not shadow the standard library
                "-m",
                "oms.cli",
                "makemessages",
                "-l",
                "zh_Hans",
                "-l",
                "zh_Hant",
                "--no-obsolete",
                "--no-location",
                "-v",
                "0",
            ],
            cwd=app_dir,
            check=True,
        )
        for po_path in sorted(app_dir.glob("locale/*/LC_MESSAGES/django.po")):
            po = polib.pofile(str(po_path))
            name = po_path.relative_to(tree)
            problems += [f"{name}: untranslated {e.msgid!r}" for e in po.untranslated_entries()]
            problems += [f"{name}: fuzzy {e.msgid!r}" for e in po.fuzzy_entries()]
    assert not problems, f"{len(problems)} catalog problems (run `make catalogs`, then translate):\n" + "\n".join(
        problems[:200]
    )
