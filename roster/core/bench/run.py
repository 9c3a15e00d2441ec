"""A whole benchmark run: data, server, checks, timings, report."""

import datetime as dt
import json
import os
import platform
import secrets
import tempfile
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

import dj_database_url
import psycopg
import psycopg.sql
from django.conf import settings
from django.core.management import call_command
from django.db import connections

from roster.accounts.services import save_administrator
from roster.core.bench import dataset, drive, mixed, workloads
from roster.core.bench.workloads import ADMIN, CLERK

ADMIN_EMAIL = "bench-admin@roster.bench"
CLERK_EMAIL = "bench-clerk@roster.bench"


@dataclass(frozen=True)
class Options:
    database_url: str
    size: dataset.Size
    duration: int = 10
    warmup: int = 2
    connections: int = 8
    workers: int = 2
    workloads: tuple = ()
    sql: bool = True
    mixed: bool = True
    mixed_duration: int = 15
    output_dir: str = "bench-results"


@dataclass(frozen=True)
class Callers:
    """The two administrators the workloads search as."""

    password: str
    businesses_of: dict

    @classmethod
    def make(cls, facts):
        """A full administrator, and one of the busiest business only."""
        password = secrets.token_urlsafe(16)
        save_administrator(ADMIN_EMAIL, password, full=True)
        save_administrator(
            CLERK_EMAIL,
            password,
            roles=["CourseMember-List"],
            businesses=[facts.clerk_business],
            full=False,
        )
        return cls(password, {ADMIN: None, CLERK: (facts.clerk_business,)})

    def tokens(self, server):
        return {
            ADMIN: server.token(ADMIN_EMAIL, self.password),
            CLERK: server.token(CLERK_EMAIL, self.password),
        }


class Mismatch(Exception):
    """The API and the reference query disagree."""


def run(options, say):
    """Run the benchmark; return the path of the results file."""
    started = dt.datetime.now(dt.UTC)
    _postgresql_config(options.database_url)
    say(f"Database: {_safe(options.database_url)}")
    drive.require_tools(sql=options.sql)
    output = Path(options.output_dir)
    output.mkdir(parents=True, exist_ok=True)
    prepare_database(options.database_url)
    # Before the data set may be replaced, which would leave them meaningless.
    if mixed.undo():
        say("Data set: undid the writes of an interrupted mixed run")
    say("Data set: checking…")
    data = dataset.ensure(options.database_url, options.size)
    say(
        "Data set: "
        + ("reused" if data.reused else f"generated in {data.seconds:.0f} s")
    )
    facts = workloads.facts(data.now)
    chosen = workloads.build(facts, options.workloads)
    callers = Callers.make(facts)

    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    server_log = output / f"{stamp}-server.log"
    with (
        tempfile.TemporaryDirectory() as work,
        drive.Server(
            options.database_url, workers=options.workers, log_path=server_log
        ) as server,
    ):
        tokens = callers.tokens(server)
        businesses_of = callers.businesses_of
        say("Checking every workload against its reference query…")
        checked = verify(server, tokens, chosen, businesses_of)
        results = []
        for workload in chosen:
            say(f"{workload.key}: {workload.title}")
            results.append(time_workload(server, tokens, workload, options, work))
            say(table(results[-1:], None, head=False))
        mixed_result = None
        if options.mixed:
            say("Mixed: reads with 5% writes…")
            mixed_result = time_mixed(
                server, tokens, chosen, businesses_of, options, work
            )
    report = {
        "started": started.isoformat(),
        "finished": dt.datetime.now(dt.UTC).isoformat(),
        "machine": _machine(options.database_url),
        "options": {
            **{k: v for k, v in asdict(options).items() if k != "database_url"},
            "database": _safe(options.database_url),
        },
        "data_set": {
            **asdict(data.size),
            "reused": data.reused,
            "seconds": round(data.seconds, 1),
            "now": data.now.isoformat(),
            "facts": asdict(facts),
        },
        "checked_variants": checked,
        "workloads": results,
        "mixed": mixed_result,
    }
    path = output / f"{stamp}.json"
    path.write_text(json.dumps(report, indent=2, default=str) + "\n")
    say(table(results, mixed_result))
    return path


def prepare_database(url):
    """Create the database if it is missing, point Django at it and migrate.

    A database that holds tables but no benchmark data set is refused
    before anything is written to it.
    """
    config = _postgresql_config(url)
    params = psycopg.conninfo.conninfo_to_dict(url)
    name = params.pop("dbname")
    params["dbname"] = "postgres"
    with psycopg.connect(**params, autocommit=True) as server:
        found = server.execute("SELECT FROM pg_database WHERE datname = %s", [name])
        if found.fetchone() is None:
            server.execute(
                psycopg.sql.SQL("CREATE DATABASE {}").format(
                    psycopg.sql.Identifier(name)
                )
            )
    dataset.check_own(url)
    use_database(config)
    call_command("migrate", verbosity=0)


def _postgresql_config(url):
    try:
        config = dj_database_url.parse(url)
    except ValueError:
        config = {}
    if config.get("ENGINE") != "django.db.backends.postgresql":
        raise ValueError(
            "The benchmark needs a PostgreSQL database URL, such as "
            "postgres://postgres@127.0.0.1:5432/roster_bench (or --demo for SQLite)."
        )
    if not config.get("NAME"):
        raise ValueError("The database URL names no database.")
    return config


def use_database(config):
    """Make `config` Django's default database for this process."""
    connections.close_all()
    settings.DATABASES["default"] = config
    connections.settings = connections.configure_settings(settings.DATABASES)
    if hasattr(connections._connections, "default"):
        delattr(connections._connections, "default")


def verify(server, tokens, chosen, businesses_of):
    """Compare a sample of each workload's variants with the reference."""
    checked = {}
    for workload in chosen:
        variants = _sample(workload.variants, 12)
        pairs = [(workload.who, v) for v in variants]
        differences = mixed.compare(server, tokens, pairs, businesses_of)
        if differences:
            raise Mismatch(f"{workload.key} differs from its reference: {differences}")
        checked[workload.key] = len(variants)
    return checked


def _sample(items, count):
    if len(items) <= count:
        return list(items)
    step = (len(items) - 1) / (count - 1)
    return [items[round(i * step)] for i in range(count)]


def time_workload(server, tokens, workload, options, work):
    load_average = os.getloadavg()[0]
    requests = [(v.path(), tokens[workload.who]) for v in workload.variants]
    load = {"connections": options.connections, "work_dir": work}
    if options.warmup:
        drive.wrk(server.base, requests, duration=options.warmup, **load)
    api = drive.wrk(server.base, requests, duration=options.duration, **load)
    sql = None
    if options.sql:
        sql = drive.pgbench(
            options.database_url,
            workload.script,
            duration=options.duration,
            **load,
        )
    return {
        "key": workload.key,
        "load_average_before": load_average,
        "title": workload.title,
        "variants": len(workload.variants),
        "target": {"per_second": workload.target_rps, "p99_ms": workload.target_p99_ms},
        "api": api.as_json(),
        "sql": sql.as_json() if sql else None,
        "api_over_sql": round(api.rate / sql.rate, 3) if sql and sql.rate else None,
        "met": api.errors == 0
        and api.rate >= workload.target_rps
        and api.p99_ms <= workload.target_p99_ms,
        "sql_script": workload.script,
    }


def time_mixed(server, tokens, chosen, businesses_of, options, work):
    """Reads of W1-W6 in turn, with writes making up 5% of all requests."""
    reads = [w for w in chosen if w.key != "W7"]
    if not reads:
        return None
    requests = []
    for index in range(max(len(w.variants) for w in reads)):
        for workload in reads:
            variant = workload.variants[index % len(workload.variants)]
            requests.append((variant.path(), tokens[workload.who]))
    load = {"connections": options.connections, "work_dir": work}
    alone = drive.wrk(server.base, requests, duration=max(3, options.warmup), **load)
    progress = Path(work) / "answered"
    progress.write_text("0")
    lock = threading.Lock()
    writer = mixed.Writer(lambda: int(progress.read_text() or 0), lock)
    measured = {}

    def read():
        try:
            measured["figures"] = drive.wrk(
                server.base,
                requests,
                duration=options.mixed_duration,
                progress=progress,
                **load,
            )
        except Exception as error:  # raised again below, after the undo
            measured["error"] = error

    reader = threading.Thread(target=read)
    writer.start()
    reader.start()
    rounds, differences = 0, []
    try:
        while reader.is_alive():
            reader.join(2)
            with lock:
                watched = mixed.checks(reads)
                if writer.last_course:
                    watched.append(mixed.course_check(writer.last_course))
                differences += mixed.compare(server, tokens, watched, businesses_of)
            rounds += 1
        if "error" in measured:
            raise measured["error"]
    except BaseException:
        # Interrupted, or wrk failed: leave the data set as it was.
        drive.stop_loads()
        writer.stop()
        reader.join()
        writer.undo()
        raise
    writer.stop()
    final = mixed.compare(server, tokens, mixed.checks(reads), businesses_of)
    writer.undo()
    after_undo = mixed.compare(server, tokens, mixed.checks(reads), businesses_of)
    figures = measured["figures"]
    writes = sum(writer.done.values())
    return {
        "reads_without_writes": alone.as_json(),
        "reads": figures.as_json(),
        "writes": dict(writer.done),
        "write_share": round(writes / (writes + figures.count), 4),
        "writer_errors": writer.errors,
        "check_rounds": rounds,
        "differences": differences + final + after_undo,
        "exact": not (differences or final or after_undo or writer.errors),
    }


def table(results, mixed_result, head=True):
    heading = (
        f"{'':4} {'API req/s':>9} {'p50 ms':>7} {'p99 ms':>7}  "
        f"{'SQL tx/s':>8} {'p50 ms':>7} {'p99 ms':>7}  {'API/SQL':>7}  "
        f"{'target':<20} met"
    )
    lines = [heading, "-" * len(heading)] if head else []
    for r in results:
        api, sql = r["api"], r["sql"]
        target = f"{r['target']['per_second']:g}/s p99 {r['target']['p99_ms']:g} ms"
        measured = (
            f"{sql['per_second']:8.1f} {sql['p50_ms']:7.1f} {sql['p99_ms']:7.1f}  "
            f"{r['api_over_sql'] or 0:7.2f}"
            if sql
            else f"{'-':>8} {'-':>7} {'-':>7}  {'-':>7}"
        )
        lines.append(
            f"{r['key']:4} {api['per_second']:9.1f} {api['p50_ms']:7.1f} "
            f"{api['p99_ms']:7.1f}  {measured}  {target:<20} "
            + ("yes" if r["met"] else "NO")
            + (f" ({api['errors']} errors)" if api["errors"] else "")
        )
    if mixed_result:
        reads = mixed_result["reads"]
        lines.append(
            f"Mixed: {reads['per_second']:.1f} reads/s "
            f"({mixed_result['reads_without_writes']['per_second']:.1f} without "
            f"writes), p50 {reads['p50_ms']:.1f} ms, "
            f"p99 {reads['p99_ms']:.1f} ms, writes {mixed_result['writes']} "
            f"({mixed_result['write_share']:.1%}), {mixed_result['check_rounds']} "
            "check rounds, counts "
            + ("exact" if mixed_result["exact"] else "NOT EXACT")
        )
    return "\n".join(lines)


def _machine(url):
    with psycopg.connect(url) as connection:
        version = connection.execute("SHOW server_version").fetchone()[0]
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "postgresql": version,
        "platform": platform.platform(),
    }


def _safe(url):
    """The URL without its password."""
    params = psycopg.conninfo.conninfo_to_dict(url)
    params.pop("password", None)
    return psycopg.conninfo.make_conninfo(**params)
