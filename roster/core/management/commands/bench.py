import os
import signal
import subprocess

import psycopg
from django.core.management.base import BaseCommand, CommandError

from roster.core.bench import dataset, demo_run, drive, run, workloads


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
        parser.add_argument(
            "--members", type=int, default=size.members, help=f"default {size.members}"
        )
        parser.add_argument(
            "--customers",
            type=int,
            help=f"default {size.customers}, or a fifth of --members if more",
        )
        parser.add_argument(
            "--courses", type=int, default=size.courses, help=f"default {size.courses}"
        )
        parser.add_argument(
            "--businesses",
            type=int,
            default=size.businesses,
            help=f"default {size.businesses}",
        )
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
            "--workloads", help="a subset to run, e.g. W1,W3 (default: all)"
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
        # A stop from outside (kill, a CI cancel) ends the run like Ctrl-C,
        # so the server is stopped and the mixed run's writes are undone.
        before = {n: signal.signal(n, _interrupt) for n in STOPS}
        try:
            path = self._demo(o) if o["demo"] else self._run(o)
        except KeyboardInterrupt:
            raise CommandError("Stopped before the end; nothing was saved.") from None
        except (dataset.NotBenchData, drive.ToolMissing, run.Mismatch, ValueError) as e:
            raise CommandError(str(e)) from e
        except psycopg.Error as e:
            first = str(e).strip().splitlines()[0] if str(e).strip() else repr(e)
            raise CommandError(f"The database could not be used: {first}") from e
        except (OSError, RuntimeError, subprocess.CalledProcessError) as e:
            # The server stopped, a load generator failed, a folder is wrong.
            raise CommandError(f"The run failed: {e}") from e
        finally:
            for number, handler in before.items():
                signal.signal(number, handler)
        self.stdout.write(f"Results: {path}")

    def _run(self, o):
        if not o["database_url"]:
            raise CommandError("Give --database-url or set DATABASE_URL.")
        customers = o["customers"]
        if customers is None:
            customers = max(dataset.Size.customers, o["members"] // 5)
        size = dataset.Size(
            businesses=o["businesses"],
            courses=o["courses"],
            customers=customers,
            members=o["members"],
        )
        _refuse(size.problems() + _timing_problems(o))
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
        return run.run(options, self.stdout.write)

    def _not_for_the_demo(self, o):
        parser = self.create_parser("roster", "bench")
        given = [n for n in NOT_FOR_THE_DEMO if o[n] != parser.get_default(n)]
        if o["database_url"] != os.environ.get("DATABASE_URL"):
            given.insert(0, "database_url")
        if not given:
            return []
        names = ", ".join("--" + n.replace("_", "-") for n in given)
        return [f"{names}: only for a PostgreSQL run, not with --demo."]

    def _demo(self, o):
        _refuse(_timing_problems(o) + self._not_for_the_demo(o))
        options = run.Options(
            database_url="",
            size=dataset.Size(),
            duration=o["duration"],
            warmup=o["warmup"],
            workers=o["workers"],
            workloads=_chosen(o),
            output_dir=o["output_dir"],
        )
        return demo_run.run(options, self.stdout.write)


STOPS = (signal.SIGINT, signal.SIGTERM)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _timing_problems(o):
    least = {
        "duration": 1,
        "warmup": 0,
        "connections": 1,
        "workers": 1,
        "mixed_duration": 1,
    }
    return [
        f"--{name.replace('_', '-')} must be at least {low}."
        for name, low in least.items()
        if o[name] < low
    ]


# What only a PostgreSQL run uses; --demo times one request at a time.
NOT_FOR_THE_DEMO = (
    "members",
    "customers",
    "courses",
    "businesses",
    "connections",
    "no_sql",
    "no_mixed",
    "mixed_duration",
)


def _refuse(problems):
    if problems:
        raise CommandError(" ".join(problems))


def _chosen(o):
    """The workloads asked for; an unknown key is refused."""
    if o["workloads"] is None:
        return ()
    chosen = tuple(w.strip().upper() for w in o["workloads"].split(",") if w.strip())
    if not chosen:
        raise CommandError(f"--workloads names none of {', '.join(workloads.KEYS)}.")
    unknown = [w for w in chosen if w not in workloads.KEYS]
    if unknown:
        raise CommandError(
            f"Unknown workloads: {', '.join(unknown)}; "
            f"choose from {', '.join(workloads.KEYS)}."
        )
    return chosen
