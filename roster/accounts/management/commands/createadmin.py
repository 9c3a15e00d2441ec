import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from roster.accounts.roles import ALL_ROLES
from roster.accounts.services import save_administrator
from roster.businesses.models import Business


class Command(BaseCommand):
    help = (
        "Create an administrator, or update the one with this email. Without "
        "--role it is a full administrator with every role in every business."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", help="prompted for when not given")
        parser.add_argument(
            "--role",
            action="append",
            default=[],
            metavar="ROLE",
            help="a role such as CourseMember-List; repeat for more",
        )
        parser.add_argument(
            "--business",
            action="append",
            type=int,
            default=[],
            metavar="ID",
            help="the id of a business the administrator may see; repeat",
        )

    def handle(self, *args, email, password, role, business, **options):
        unknown = sorted(set(role) - ALL_ROLES)
        if unknown:
            raise CommandError(f"Unknown roles: {', '.join(unknown)}")
        if business and not role:
            raise CommandError("Give the roles a business-restricted admin holds.")
        found = set(
            Business.objects.filter(pk__in=business).values_list("pk", flat=True)
        )
        if missing := sorted(set(business) - found):
            raise CommandError(f"No business with id {', '.join(map(str, missing))}")
        if password is None:
            password = self._prompt()

        try:
            user = save_administrator(
                email, password, roles=role, businesses=business, full=not role
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None

        kind = "a full administrator" if user.full_admin else "an administrator"
        self.stdout.write(f"{user.email} is {kind}.")

    def _prompt(self):
        password = getpass.getpass("Password: ")
        if not password or password != getpass.getpass("Password (again): "):
            raise CommandError("The passwords are empty or do not match.")
        return password
