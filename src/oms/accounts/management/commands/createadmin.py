import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandParser

from oms.core.roles import ADMINISTRATOR, group_name


class Command(BaseCommand):
    help = "Create (or keep) an administrator account and print its password."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="admin")
        parser.add_argument("--password", default="", help="default: a generated password")
        parser.add_argument("--email", default="")
        parser.add_argument("--reset", action="store_true", help="set a new password if the user exists")

    def handle(self, *args, **opts) -> None:
        from oms.accounts.models import UserProfile

        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=opts["username"], defaults={"email": opts["email"], "is_staff": True, "is_superuser": True}
        )
        password = opts["password"] or secrets.token_urlsafe(12)
        if not created and opts["reset"] and opts["password"] and user.check_password(password):
            # Same password again (`oms demo` on every `make run`): change nothing, add no history row.
            self.stdout.write(f"Administrator {user.username} password: {password}")
        elif created or opts["reset"]:
            user.set_password(password)
            user.save()
            self.stdout.write(f"Administrator {user.username} password: {password}")
        else:
            self.stdout.write(f"Administrator {user.username} already exists (use --reset for a new password).")
        user.groups.add(Group.objects.get(name=group_name(ADMINISTRATOR)))
        UserProfile.objects.get_or_create(user=user)
