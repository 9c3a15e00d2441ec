import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from roster.core import server


class Command(BaseCommand):
    help = (
        "Serve the API with several worker processes. Settings come from the "
        "environment: DATABASE_URL, ROSTER_SECRET_KEY, ROSTER_ALLOWED_HOSTS, "
        "ROSTER_WORKERS. Creates no credentials and runs no migrations."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("ROSTER_HOST", "0.0.0.0"))
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("ROSTER_PORT", 8000))
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("ROSTER_WORKERS", os.cpu_count() or 2)),
        )

    def handle(self, *args, host, port, workers, **options):
        if not os.environ.get("ROSTER_SECRET_KEY"):
            raise CommandError("Set ROSTER_SECRET_KEY to a long random secret.")
        if settings.DEBUG:
            self.stderr.write("Warning: ROSTER_DEBUG is on; turn it off in production.")
        self.stdout.write(
            f"Roster serving on http://{host}:{port}/ with {workers} workers"
        )
        server.run(host, port, workers)
