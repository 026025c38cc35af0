"""Actions of user and role administration. Each one writes its operation-log entry in the same
transaction; guards (built-in roles are read-only, an administrator cannot lock themself out) live here."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from oms.core.actor import Actor
from oms.core.roles import ADMINISTRATOR, GROUP_TO_ROLE, PROJECT_APP_LABELS, group_name
from oms.core.scoping import scope_of
from oms.system import oplog

User = get_user_model()


def is_builtin(group: Group) -> bool:
    return group.name in GROUP_TO_ROLE


def manageable_permissions() -> Any:
    """The permissions shown in the role matrix: the project's areas (and auth's)."""
    return (
        Permission.objects.filter(content_type__app_label__in=PROJECT_APP_LABELS | {"auth"})
        .select_related("content_type")
        .order_by("content_type__app_label", "content_type__model", "codename")
    )


def manageable_by(editor: Any) -> Any:
    """The users `editor` may see and administer: everyone for an unlimited editor; for one limited to
    some channels or warehouses, the people limited to (some of) those same ones and nothing else, so
    that nobody administers a colleague who sees more than they do (docs/data-scopes.md)."""
    from oms.accounts.models import UserProfile

    scope = scope_of(editor)
    if scope.unrestricted:
        return User.objects.all()
    qs = User.objects.exclude(is_superuser=True)
    for relation, column, ids in (
        ("channels", "channel_id", scope.channel_ids),
        ("warehouses", "warehouse_id", scope.warehouse_ids),
    ):
        if ids is None:
            continue
        through = getattr(UserProfile, relation).through.objects
        qs = qs.filter(pk__in=through.values("userprofile__user_id")).exclude(
            pk__in=through.exclude(**{f"{column}__in": ids}).values("userprofile__user_id")
        )
    return qs


def _ensure_grantable(actor: Actor, channel_ids: list[int], warehouse_ids: list[int]) -> None:
    """A person limited to some channels or warehouses gives others only (some of) their own."""
    editor = User.objects.filter(pk=actor.user_id).first() if actor.kind == "user" and actor.user_id else None
    if editor is None:
        return
    scope = scope_of(editor)
    if scope.channel_ids is not None and not (channel_ids and set(channel_ids) <= scope.channel_ids):
        raise ValidationError({"channels": [_("Limit the user to some of your own channels.")]})
    if scope.warehouse_ids is not None and not (warehouse_ids and set(warehouse_ids) <= scope.warehouse_ids):
        raise ValidationError({"warehouses": [_("Limit the user to some of your own warehouses.")]})


def _profile(user: Any) -> Any:
    from oms.accounts.models import UserProfile

    profile, _created = UserProfile.objects.get_or_create(user=user)
    return profile


def _scope_details(profile: Any) -> dict[str, Any]:
    return {
        "channels": sorted(profile.channels.values_list("code", flat=True)),
        "warehouses": sorted(profile.warehouses.values_list("code", flat=True)),
    }


def _set_scope(profile: Any, channel_ids: Iterable[int] | None, warehouse_ids: Iterable[int] | None) -> None:
    if channel_ids is not None:
        profile.channels.set(list(channel_ids))
    if warehouse_ids is not None:
        profile.warehouses.set(list(warehouse_ids))


def _ensure_not_self_lockout(user: Any, actor: Actor, *, active: bool = True, group_ids: Any = None) -> None:
    if user.pk != actor.user_id:
        return
    if not active:
        raise ValidationError(_("You cannot disable your own account."))
    if group_ids is not None:
        admin = Group.objects.filter(name=group_name(ADMINISTRATOR)).first()
        if admin and admin.pk not in set(group_ids) and user.groups.filter(pk=admin.pk).exists():
            raise ValidationError(_("You cannot remove the Administrator role from yourself."))


@transaction.atomic
def create_user(
    *,
    username: str,
    password: str,
    actor: Actor,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    group_ids: Iterable[int] = (),
    channel_ids: Iterable[int] = (),
    warehouse_ids: Iterable[int] = (),
) -> Any:
    """A new user whose initial password must be changed at first sign-in."""
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": [_("A user with this username already exists.")]})
    channel_ids, warehouse_ids = list(channel_ids), list(warehouse_ids)
    _ensure_grantable(actor, channel_ids, warehouse_ids)
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save()
    user.groups.set(list(group_ids))
    profile = _profile(user)
    profile.must_change_password = True
    profile.save(update_fields=["must_change_password"])
    _set_scope(profile, channel_ids, warehouse_ids)
    password_validation.password_changed(password, user)
    oplog.record(
        actor=actor,
        action="user.create",
        target=username,
        details={"roles": sorted(user.groups.values_list("name", flat=True)), **_scope_details(profile)},
    )
    return user


@transaction.atomic
def update_user(
    *,
    user_id: int,
    actor: Actor,
    first_name: str,
    last_name: str,
    email: str,
    group_ids: Iterable[int],
    channel_ids: Iterable[int],
    warehouse_ids: Iterable[int],
) -> Any:
    user = User.objects.select_for_update().get(pk=user_id)
    group_ids = list(group_ids)
    _ensure_not_self_lockout(user, actor, group_ids=group_ids)
    channel_ids, warehouse_ids = list(channel_ids), list(warehouse_ids)
    _ensure_grantable(actor, channel_ids, warehouse_ids)
    profile = _profile(user)
    before = {
        "name": [user.first_name, user.last_name],
        "email": user.email,
        "roles": sorted(user.groups.values_list("name", flat=True)),
        **_scope_details(profile),
    }
    user.first_name, user.last_name, user.email = first_name, last_name, email
    user.save(update_fields=["first_name", "last_name", "email"])
    user.groups.set(group_ids)
    _set_scope(profile, channel_ids, warehouse_ids)
    after = {
        "name": [user.first_name, user.last_name],
        "email": user.email,
        "roles": sorted(user.groups.values_list("name", flat=True)),
        **_scope_details(profile),
    }
    changes = {k: {"old": before[k], "new": after[k]} for k in after if before[k] != after[k]}
    if changes:
        oplog.record(actor=actor, action="user.update", target=user.username, details=changes)
    return user


@transaction.atomic
def set_active(*, user_ids: Iterable[int], active: bool, actor: Actor) -> int:
    """Disable or re-enable users; returns how many changed. Refuses (for all) if it includes the actor."""
    users = list(User.objects.select_for_update().filter(pk__in=list(user_ids)).order_by("pk"))
    for user in users:
        _ensure_not_self_lockout(user, actor, active=active)
    changed = 0
    for user in users:
        if user.is_active != active:
            user.is_active = active
            user.save(update_fields=["is_active"])
            oplog.record(actor=actor, action="user.enable" if active else "user.disable", target=user.username)
            changed += 1
    return changed


def temporary_password() -> str:
    # 16 URL-safe characters plus a fixed mix, so it passes every password validator.
    return secrets.token_urlsafe(12) + "-a9"


@transaction.atomic
def reset_password(*, user_id: int, actor: Actor) -> str:
    """Set a temporary password (returned once, never stored in clear) and force a change at sign-in."""
    user = User.objects.select_for_update().get(pk=user_id)
    password = temporary_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    profile = _profile(user)
    profile.must_change_password = True
    profile.save(update_fields=["must_change_password"])
    password_validation.password_changed(password, user)
    oplog.record(actor=actor, action="user.reset_password", target=user.username)
    return password


# Roles ---------------------------------------------------------------------------------------


def _ensure_custom(group: Group) -> None:
    if is_builtin(group):
        raise ValidationError(_("Built-in roles cannot be changed; copy one into a custom role instead."))


def _check_name(name: str, exclude_pk: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("Enter a name.")]})
    others = Group.objects.filter(name__iexact=name)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if name in GROUP_TO_ROLE or others.exists():
        raise ValidationError({"name": [_("A role with this name already exists.")]})
    return name


@transaction.atomic
def create_role(*, name: str, actor: Actor, copy_from_id: int | None = None) -> Group:
    name = _check_name(name)
    group = Group.objects.create(name=name)
    details: dict[str, Any] = {}
    if copy_from_id:
        source = Group.objects.get(pk=copy_from_id)
        group.permissions.set(source.permissions.all())
        details["copied_from"] = source.name
    oplog.record(actor=actor, action="role.create", target=name, details=details)
    return group


@transaction.atomic
def rename_role(*, group_id: int, name: str, actor: Actor) -> Group:
    group = Group.objects.select_for_update().get(pk=group_id)
    _ensure_custom(group)
    name = _check_name(name, exclude_pk=group.pk)
    old = group.name
    group.name = name
    group.save(update_fields=["name"])
    oplog.record(actor=actor, action="role.rename", target=name, details={"old": old})
    return group


@transaction.atomic
def delete_role(*, group_id: int, actor: Actor) -> None:
    group = Group.objects.select_for_update().get(pk=group_id)
    _ensure_custom(group)
    members = list(group.user_set.values_list("username", flat=True))
    oplog.record(actor=actor, action="role.delete", target=group.name, details={"members": members})
    group.delete()


@transaction.atomic
def set_role_permissions(*, group_id: int, permission_ids: Iterable[int], actor: Actor) -> Group:
    group = Group.objects.select_for_update().get(pk=group_id)
    _ensure_custom(group)
    allowed = set(manageable_permissions().values_list("pk", flat=True))
    wanted = set(permission_ids)
    if not wanted <= allowed:
        raise ValidationError(_("Unknown permission."))
    before = set(group.permissions.values_list("pk", flat=True))
    group.permissions.set(sorted(wanted))

    def names(ids: set[int]) -> list[str]:
        rows = Permission.objects.filter(pk__in=ids).values_list("content_type__app_label", "codename")
        return sorted(f"{app}.{code}" for app, code in rows)

    added, removed = names(wanted - before), names(before - wanted)
    if added or removed:
        oplog.record(
            actor=actor, action="role.permissions", target=group.name, details={"added": added, "removed": removed}
        )
    return group
