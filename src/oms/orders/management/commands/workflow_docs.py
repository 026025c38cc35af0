"""oms workflow_docs: write docs/workflows/orders.md from the lifecycle table."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from oms.orders import workflow

DOC = Path(__file__).resolve().parents[5] / "docs" / "workflows" / "orders.md"


class Command(BaseCommand):
    help = "Generate docs/workflows/orders.md from orders/workflow.py."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--check", action="store_true", help="Only report whether the file is up to date.")

    def handle(self, *args: Any, **options: Any) -> None:
        text = workflow.as_markdown()
        if options["check"]:
            if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
                raise SystemExit(f"{DOC} is out of date: run oms workflow_docs")
            self.stdout.write("up to date")
            return
        DOC.parent.mkdir(parents=True, exist_ok=True)
        DOC.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {DOC}")
