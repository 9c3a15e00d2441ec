import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from roster.accounts.models import User
from roster.accounts.services import save_administrator
from roster.core import demo, server
from roster.courses.models import CourseMember

ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "roster-demo"


class Command(BaseCommand):
    help = (
        "Serve Roster with demo data: create and migrate the database if "
        "needed, load the demo data set once, make sure the demo "
        "administrator exists, then serve (by default on 127.0.0.1:8000)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1)
        parser.add_argument(
            "--no-serve", action="store_true", help="prepare the data, do not serve"
        )

    def handle(self, *args, host, port, workers, no_serve, **options):
        self.stdout.write(f"Database: {settings.DATABASES['default']['NAME']}")
        call_command("migrate", verbosity=0)

        if CourseMember.objects.exists():
            self.stdout.write("Demo data already loaded.")
        else:
            self.stdout.write("Loading the demo data set…")
            made = demo.load(progress=True)
            self.stdout.write(", ".join(f"{n} {what}" for what, n in made.items()))
        self._ensure_administrator()
        demo.member_login()

        self.stdout.write(self._instructions(host, port))
        if not no_serve:
            # The server's worker processes read their settings afresh:
            # links in emails point at the address the demo serves on.
            os.environ.setdefault("ROSTER_PUBLIC_URL", self._base(host, port))
            server.run(host, port, workers)

    def _ensure_administrator(self):
        """Create the demo administrator, or mend it, without a new password
        hash when it already holds the demo one: a new hash would end the
        sessions of whoever is signed in to the Admin Panel."""
        user = User.objects.with_email(ADMIN_EMAIL).first()
        ready = user and user.full_admin and user.is_active
        if ready and user.check_password(ADMIN_PASSWORD):
            return
        save_administrator(ADMIN_EMAIL, ADMIN_PASSWORD, full=True)

    def _base(self, host, port):
        return f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"

    def _instructions(self, host, port):
        base = self._base(host, port)
        return f"""
Roster is serving the demo at {base}/
Admin Panel:    {base}/admin/   {ADMIN_EMAIL} / {ADMIN_PASSWORD}
Members Portal: {base}/portal/  {demo.MEMBER_EMAIL} / {demo.MEMBER_PASSWORD}

Get a token:
  curl -s -X POST {base}/api/token \\
    -d grant_type=password -d username={ADMIN_EMAIL} -d password={ADMIN_PASSWORD}

Search course members with it:
  curl -s "{base}/api/content/coursemembers?page=1&size=15&orderBy=CreatedOn&dir=-1" \\
    -H "Authorization: Bearer ACCESS_TOKEN"

Or with HTTP Basic:
  curl -s -u {ADMIN_EMAIL}:{ADMIN_PASSWORD} \\
    "{base}/api/content/coursemembers?CourseMember_Coworker_FullName=son"

Press Ctrl+C to stop.
"""
