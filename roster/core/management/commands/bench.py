import os

from django.core.management.base import BaseCommand, CommandError

from roster.core.bench import dataset, demo_run, drive, run


class Command(BaseCommand):
    help = (
        "Time the CourseMember search on a large generated data set in "
        "PostgreSQL: the API under `roster serve` driven by wrk, the same "
        "work in plain SQL driven by pgbench, and a mixed run with writes. "
        "Writes the figures to a JSON file and prints a table. With --demo, "
        "times each workload alone on SQLite with the demo data set instead."
    )

    def add_arguments(self, parser):
        size = dataset.Size()
        parser.add_argument(
            "--database-url",
            default=os.environ.get("DATABASE_URL"),
            help="a PostgreSQL database of its own (default: DATABASE_URL); "
            "created and migrated when missing",
        )
        parser.add_argument("--members", type=int, default=size.members)
        parser.add_argument(
            "--customers",
            type=int,
            help=f"default {size.customers}, or a fifth of --members if more",
        )
        parser.add_argument("--courses", type=int, default=size.courses)
        parser.add_argument("--businesses", type=int, default=size.businesses)
        parser.add_argument(
            "--duration", type=int, default=10, help="seconds each timing lasts"
        )
        parser.add_argument(
            "--warmup", type=int, default=2, help="seconds of warm-up per workload"
        )
        parser.add_argument(
            "--connections", type=int, default=8, help="concurrent clients"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 2,
            help="server worker processes",
        )
        parser.add_argument(
            "--workloads", default="", help="a subset to run, e.g. W1,W3"
        )
        parser.add_argument("--no-sql", action="store_true", help="skip pgbench")
        parser.add_argument(
            "--no-mixed", action="store_true", help="skip the run with writes"
        )
        parser.add_argument("--mixed-duration", type=int, default=15)
        parser.add_argument("--output-dir", default="bench-results")
        parser.add_argument(
            "--demo",
            action="store_true",
            help="time one request at a time on SQLite with the demo data set, "
            "kept in OUTPUT_DIR/demo",
        )

    def handle(self, *args, **o):
        if o["demo"]:
            return self._demo(o)
        if not o["database_url"]:
            raise CommandError("Give --database-url or set DATABASE_URL.")
        size = dataset.Size(
            businesses=o["businesses"],
            courses=o["courses"],
            customers=o["customers"] or max(dataset.Size.customers, o["members"] // 5),
            members=o["members"],
        )
        options = run.Options(
            database_url=o["database_url"],
            size=size,
            duration=o["duration"],
            warmup=o["warmup"],
            connections=o["connections"],
            workers=o["workers"],
            workloads=_chosen(o),
            sql=not o["no_sql"],
            mixed=not o["no_mixed"],
            mixed_duration=o["mixed_duration"],
            output_dir=o["output_dir"],
        )
        try:
            path = run.run(options, self.stdout.write)
        except (dataset.NotBenchData, drive.ToolMissing, run.Mismatch, ValueError) as e:
            raise CommandError(str(e)) from e
        self.stdout.write(f"Results: {path}")

    def _demo(self, o):
        options = run.Options(
            database_url="",
            size=dataset.Size(),
            duration=o["duration"],
            warmup=o["warmup"],
            workers=o["workers"],
            workloads=_chosen(o),
            output_dir=o["output_dir"],
        )
        try:
            path = demo_run.run(options, self.stdout.write)
        except (drive.ToolMissing, run.Mismatch) as e:
            raise CommandError(str(e)) from e
        self.stdout.write(f"Results: {path}")


def _chosen(o):
    return tuple(w.strip().upper() for w in o["workloads"].split(",") if w.strip())
