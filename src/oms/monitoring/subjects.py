"""What an alert is about: a row (content type + id) and a short key that also names subjects that
are not one row, e.g. a product in one warehouse ("inventory.product:12@warehouse:3").

The key is what the one-active-alert constraint compares, so it is always set and never depends on
text that can change (ids, not SKUs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Subject:
    model: str  # "app_label.model", lower case ("" for a subject that is no row)
    object_id: int | None
    key: str

    @classmethod
    def row(cls, model: str, object_id: int, qualifier: str = "") -> Subject:
        """A row by its model label and id, optionally narrowed (`qualifier` "warehouse:3")."""
        key = f"{model}:{object_id}" + (f"@{qualifier}" if qualifier else "")
        return cls(model, object_id, key)

    @classmethod
    def of(cls, obj: Any, qualifier: str = "") -> Subject:
        return cls.row(obj._meta.label_lower, obj.pk, qualifier)

    @classmethod
    def named(cls, key: str) -> Subject:
        return cls("", None, key)

    def content_type_id(self) -> int | None:
        if not self.model:
            return None
        from django.contrib.contenttypes.models import ContentType

        app_label, model = self.model.split(".")
        return ContentType.objects.get_by_natural_key(app_label, model).pk  # cached by the manager
