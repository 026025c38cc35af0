"""oms workflow_docs: write docs/workflows/<name>.md for every workflow (oms.<area>.workflow)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from oms.core.workflow import registered

DOCS = Path(__file__).resolve().parents[5] / "docs" / "workflows"


class Command(BaseCommand):
    help = "Generate docs/workflows/<name>.md from each workflow table."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--check", action="store_true", help="Only report whether the files are up to date.")

    def handle(self, *args: Any, **options: Any) -> None:
        stale = []
        for workflow in registered():
            doc = DOCS / f"{workflow.name}.md"
            text = workflow.as_markdown()
            if options["check"]:
                if not doc.exists() or doc.read_text(encoding="utf-8") != text:
                    stale.append(str(doc))
                continue
            doc.parent.mkdir(parents=True, exist_ok=True)
            doc.write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {doc}")
        if stale:
            raise SystemExit(f"out of date, run oms workflow_docs: {', '.join(stale)}")
        if options["check"]:
            self.stdout.write("up to date")
