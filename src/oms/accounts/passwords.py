"""Password policy beyond Django's validators: no reuse of the last N passwords, periodic change."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from oms.system import params


class PasswordReuseValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if user is None or not getattr(user, "pk", None):
            return
        depth = int(params.get("security.password_reuse_depth"))
        if depth <= 0:
            return
        if user.password and check_password(password, user.password):
            raise ValidationError(_("The new password must differ from the current one."), code="password_reused")
        for old in user.password_history.all()[:depth]:
            if check_password(password, old.password):
                raise ValidationError(
                    ngettext(
                        "You used this password recently; it may not equal your last password.",
                        "You used this password recently; it may not equal any of your last %(n)d passwords.",
                        depth,
                    )
                    % {"n": depth},
                    code="password_reused",
                )

    def get_help_text(self) -> str:
        return _("Your password may not equal one of your recent passwords.")

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is None or not user.pk:
            return
        from oms.accounts.models import PasswordHistory, UserProfile

        PasswordHistory.objects.create(user=user, password=user.password)
        profile, _created = UserProfile.objects.get_or_create(user=user)
        profile.password_changed_at = timezone.now()
        profile.save(update_fields=["password_changed_at"])


def password_expired(user: Any) -> bool:
    from oms.accounts.models import UserProfile

    max_age = int(params.get("security.password_max_age_days"))
    profile = UserProfile.objects.filter(user=user).first()
    if profile is None:
        return False
    if profile.must_change_password:
        return True
    if max_age <= 0 or profile.password_changed_at is None:
        return False
    return timezone.now() - profile.password_changed_at > timedelta(days=max_age)
