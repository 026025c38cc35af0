"""Built-in roles and what they may do.

Each business area declares, in its own `roles.py`, a `GRANTS` mapping of role code to
permission names ("app_label.codename"). After every migrate the built-in roles (Django groups)
are brought in line with the declarations; custom roles made by administrators are left alone.
The Administrator role holds every permission of the project.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from oms.core.areas import area_modules

ADMINISTRATOR = "administrator"
ORDER_CLERK = "order_clerk"
REVIEWER = "reviewer"
FINANCE_REVIEWER = "finance_reviewer"
WAREHOUSE = "warehouse"
LOGISTICS = "logistics"
CUSTOMER_SERVICE = "customer_service"
VIEWER = "viewer"

# role code -> (group name as stored, translatable label)
ROLES: dict[str, tuple[str, object]] = {
    ADMINISTRATOR: ("Administrator", pgettext_lazy("role", "Administrator")),
    ORDER_CLERK: ("Order clerk", pgettext_lazy("role", "Order clerk")),
    REVIEWER: ("Reviewer", pgettext_lazy("role", "Reviewer")),
    FINANCE_REVIEWER: ("Finance reviewer", pgettext_lazy("role", "Finance reviewer")),
    WAREHOUSE: ("Warehouse", pgettext_lazy("role", "Warehouse")),
    LOGISTICS: ("Logistics", pgettext_lazy("role", "Logistics")),
    CUSTOMER_SERVICE: ("Customer service", pgettext_lazy("role", "Customer service")),
    VIEWER: ("Viewer", pgettext_lazy("role", "Viewer")),
}
GROUP_TO_ROLE = {name: code for code, (name, _label) in ROLES.items()}

AREAS = ["core", "accounts", "system", "channels", "orders", "inventory", "logistics", "monitoring", "support"]
PROJECT_APP_LABELS = set(AREAS)


def group_name(role: str) -> str:
    return ROLES[role][0]


def role_label(group_name: str) -> str:
    role = GROUP_TO_ROLE.get(group_name)
    return str(ROLES[role][1]) if role else group_name


def declared_grants() -> dict[str, set[str]]:
    grants: dict[str, set[str]] = defaultdict(set)
    for module in area_modules("roles"):
        for role, perms in getattr(module, "GRANTS", {}).items():
            if role not in ROLES:
                raise ValueError(f"{module.__name__} grants to unknown role {role!r}")
            grants[role].update(perms)
    return grants


def sync_roles(sender=None, using: str = "default", **kwargs) -> None:
    """Create the built-in groups and set their permissions from the declarations."""
    from django.apps import apps as global_apps

    with_models = [a for a in global_apps.get_app_configs() if a.models_module is not None]
    if sender is not None and sender is not with_models[-1]:
        return  # post_migrate fires once per app: act once, after the last one
    from django.contrib.auth.models import Group, Permission

    grants = declared_grants()
    all_project = Permission.objects.using(using).filter(content_type__app_label__in=PROJECT_APP_LABELS)
    by_name = {f"{p.content_type.app_label}.{p.codename}": p for p in all_project.select_related("content_type")}
    for role, (name, _label) in ROLES.items():
        group, _created = Group.objects.using(using).get_or_create(name=name)
        if role == ADMINISTRATOR:
            wanted = list(by_name.values()) + list(
                Permission.objects.using(using).filter(content_type__app_label="auth")
            )
        else:
            missing = sorted(p for p in grants.get(role, ()) if p not in by_name)
            if missing:
                raise ValueError(f"role {role} is granted unknown permissions: {missing}")
            wanted = [by_name[p] for p in grants.get(role, ())]
        group.permissions.set(wanted)


# Which roles open which console modules (chapter 1.2). Finer permissions live in each area.
_ALL_STAFF = [ORDER_CLERK, REVIEWER, FINANCE_REVIEWER, WAREHOUSE, LOGISTICS, CUSTOMER_SERVICE, VIEWER]
GRANTS: dict[str, list[str]] = {role: ["core.access_dashboard"] for role in _ALL_STAFF}
for _role in [ORDER_CLERK, REVIEWER, FINANCE_REVIEWER, CUSTOMER_SERVICE, VIEWER]:
    GRANTS[_role].append("core.access_orders")
for _role in [WAREHOUSE, VIEWER, ORDER_CLERK]:
    GRANTS[_role].append("core.access_inventory")
for _role in [LOGISTICS, WAREHOUSE, VIEWER]:
    GRANTS[_role].append("core.access_logistics")
for _role in [CUSTOMER_SERVICE]:
    GRANTS[_role].append("core.access_support")
for _role in _ALL_STAFF:  # each sees the alerts of the modules it opens (monitoring.kinds)
    GRANTS[_role].append("core.access_monitoring")


# Django keeps a permission's name in English in the database; these build it in the reader's language.
_DEFAULT_PERMISSIONS = {
    "add": pgettext_lazy("permission", "Can add %(model)s"),
    "change": pgettext_lazy("permission", "Can change %(model)s"),
    "delete": pgettext_lazy("permission", "Can delete %(model)s"),
    "view": pgettext_lazy("permission", "Can view %(model)s"),
}
AREA_LABELS = {
    "auth": pgettext_lazy("area", "Users and roles"),
    "core": pgettext_lazy("area", "Console modules"),
    "accounts": pgettext_lazy("area", "Sign-in and API"),
    "system": pgettext_lazy("area", "Settings"),
    "channels": pgettext_lazy("area", "Channels"),
    "orders": pgettext_lazy("area", "Orders"),
    "inventory": pgettext_lazy("area", "Inventory"),
    "logistics": pgettext_lazy("area", "Logistics"),
    "monitoring": pgettext_lazy("area", "Monitoring"),
    "support": pgettext_lazy("area", "Customer service"),
}


def area_label(app_label: str) -> str:
    word = AREA_LABELS.get(app_label)
    return str(word) if word is not None else app_label


def permission_label(perm: object) -> str:
    """A permission as words: the model's declared (translated) name for a custom permission,
    "Can add <model>" etc. for Django's four, built from the model's translated verbose name."""
    content_type = getattr(perm, "content_type", None)
    codename = str(getattr(perm, "codename", ""))
    model = content_type.model_class() if content_type is not None else None
    if model is not None:
        for code, name in getattr(model._meta, "permissions", []):
            if code == codename:
                return str(_(name) if isinstance(name, str) else name)
        action, _sep, rest = codename.partition("_")
        if action in _DEFAULT_PERMISSIONS and rest == model._meta.model_name:
            return str(_DEFAULT_PERMISSIONS[action]) % {"model": model._meta.verbose_name}
    return str(getattr(perm, "name", codename))
