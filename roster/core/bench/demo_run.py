"""The seven workloads on SQLite with the demo data set, one request at a time.

This is the set-up of `scripts/demo`: one SQLite file, the demo's 15,000
enrolments. Each workload's requests are checked against the reference
queries like the PostgreSQL run's, then sent one after another by wrk
with a single connection, so the figures are the time one request takes.
"""

import datetime as dt
import json
import os
import platform
import sqlite3
import tempfile
from pathlib import Path

import dj_database_url
from django.core.management import call_command
from django.utils import timezone

from roster.core import demo
from roster.core.bench import drive, workloads
from roster.core.bench.run import Callers, use_database, verify
from roster.courses.models import CourseMember

TARGET_MS = 20


def run(options, say):
    """Run the workloads on the demo data set; return the results file."""
    started = dt.datetime.now(dt.UTC)
    drive.require_tools(sql=False)
    output = Path(options.output_dir)
    path = (output / "demo" / "roster.sqlite3").resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{path}"
    say(f"Database: {path}")
    use_database(dj_database_url.parse(url))
    call_command("migrate", verbosity=0)
    if not CourseMember.objects.exists():
        say("Loading the demo data set…")
        demo.load(progress=True)
    facts = workloads.facts(timezone.now())
    chosen = workloads.build(facts, options.workloads)
    callers = Callers.make(facts)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    with (
        tempfile.TemporaryDirectory() as work,
        drive.Server(
            url, workers=options.workers, log_path=output / f"{stamp}-demo-server.log"
        ) as server,
    ):
        tokens = callers.tokens(server)
        say("Checking every workload against its reference query…")
        checked = verify(server, tokens, chosen, callers.businesses_of)
        results = []
        for workload in chosen:
            results.append(_time(server, tokens, workload, options, work))
            say(table(results[-1:], head=False))
    report = {
        "started": started.isoformat(),
        "finished": dt.datetime.now(dt.UTC).isoformat(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "platform": platform.platform(),
        },
        "database": str(path),
        "members": CourseMember.objects.count(),
        "options": {"duration": options.duration, "workers": options.workers},
        "checked_variants": checked,
        "workloads": results,
    }
    result_path = output / f"{stamp}-demo.json"
    result_path.write_text(json.dumps(report, indent=2, default=str) + "\n")
    say(table(results))
    return result_path


def _time(server, tokens, workload, options, work):
    requests = [(v.path(), tokens[workload.who]) for v in workload.variants]
    load = {"connections": 1, "work_dir": work}
    if options.warmup:
        drive.wrk(server.base, requests, duration=options.warmup, **load)
    figures = drive.wrk(server.base, requests, duration=options.duration, **load)
    return {
        "key": workload.key,
        "title": workload.title,
        "variants": len(workload.variants),
        "api": figures.as_json(),
        "met": figures.errors == 0 and figures.p99_ms < TARGET_MS,
    }


def table(results, head=True):
    heading = f"{'':4} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7}  target     met"
    lines = [heading, "-" * len(heading)] if head else []
    for r in results:
        api = r["api"]
        lines.append(
            f"{r['key']:4} {api['per_second']:7.1f} {api['p50_ms']:7.1f} "
            f"{api['p99_ms']:7.1f}  < {TARGET_MS} ms  "
            + ("yes" if r["met"] else "NO")
            + (f" ({api['errors']} errors)" if api["errors"] else "")
        )
    return "\n".join(lines)
