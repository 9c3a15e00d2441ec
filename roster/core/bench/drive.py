"""The processes a benchmark runs: the server, wrk and pgbench.

Each runs as a child process of the benchmark, on the loopback interface,
and is stopped by its own process id when the benchmark is done with it.
"""

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"


class ToolMissing(Exception):
    """A program the benchmark drives is not installed."""


def require(program, hint):
    path = shutil.which(program)
    if path is None:
        raise ToolMissing(f"{program} is not installed; {hint}")
    return path


WRK_HINT = "install it with `apt-get install wrk`."
PGBENCH_HINT = (
    "it comes with PostgreSQL's server programs "
    "(on Debian, the postgresql package; or skip it with --no-sql)."
)


# The load generators running now, so that a stopped run can stop them.
LOADS = set()


def stop_loads():
    for process in list(LOADS):
        process.terminate()


def require_tools(*, sql):
    """Refuse to start when a program the run needs is missing."""
    require("wrk", WRK_HINT)
    if sql:
        require("pgbench", PGBENCH_HINT)


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Server:
    """`roster serve` on a database, as an operator would run it."""

    def __init__(self, database_url, *, workers, log_path, port=None):
        self.database_url = database_url
        self.workers = workers
        self.log_path = log_path
        self.port = port or free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.process = None

    def __enter__(self):
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "ROSTER_SECRET_KEY": secrets.token_urlsafe(50),
            "ROSTER_ALLOWED_HOSTS": HOST,
            "ROSTER_LOG_LEVEL": "WARNING",
            # All the load comes from one address that stands for many
            # clients: the throttle still counts every request, so its cost
            # is measured, but its limit is out of the run's reach.
            "ROSTER_API_REQUESTS_PER_WINDOW": str(10**12),
            # W7 asks for pages of 5,000, the largest the API allows.
            "ROSTER_MAX_PAGE_SIZE": "5000",
        }
        env.pop("DATABASE_REPLICA_URL", None)
        command = [
            sys.executable,
            "-m",
            "roster.cli",
            "serve",
            "--host",
            HOST,
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
        ]
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in __exit__
        self.process = subprocess.Popen(
            command,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_until_ready()
        return self

    def _wait_until_ready(self, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The server stopped; see {self.log_path}")
            try:
                urllib.request.urlopen(self.base + "/api/content/coursemembers")
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"The server did not answer; see {self.log_path}")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()

    def token(self, email, password):
        form = urllib.parse.urlencode(
            {"grant_type": "password", "username": email, "password": password}
        ).encode()
        with urllib.request.urlopen(self.base + "/api/token", form) as answer:
            return json.load(answer)["access_token"]

    def get(self, path, token):
        request = urllib.request.Request(
            self.base + path, headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            return json.load(answer)


@dataclass(frozen=True)
class Figures:
    """Throughput and latency of one timed run."""

    rate: float
    p50_ms: float
    p99_ms: float
    count: int
    errors: int

    def as_json(self):
        return {
            "per_second": round(self.rate, 1),
            "p50_ms": round(self.p50_ms, 2),
            "p99_ms": round(self.p99_ms, 2),
            "count": self.count,
            "errors": self.errors,
        }


LUA = """
local requests = {requests}
local next_thread = 0
function setup(thread)
  thread:set("start", next_thread * 7919)
  next_thread = next_thread + 1
end
local sent = 0
function request()
  sent = sent + 1
  local item = requests[(start + sent) % #requests + 1]
  return wrk.format("GET", item[1], {{["Authorization"] = "Bearer " .. item[2]}})
end
local progress = {progress}
local answered = 0
function response(status, headers, body)
  answered = answered + 1
  if progress and answered % 10 == 0 then
    local file = io.open(progress, "w")
    file:write(answered)
    file:close()
  end
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.status,
    e.connect + e.read + e.write + e.timeout))
end
"""


def _lua_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrk(base, requests, *, duration, connections, work_dir, progress=None):
    """Send GET requests for (path, token) pairs in turn; return the figures.

    With `progress`, wrk writes to that file how many answers it has had,
    every tenth answer.
    """
    program = require("wrk", WRK_HINT)
    items = ",\n".join(
        "{" + _lua_string(path) + ", " + _lua_string(token) + "}"
        for path, token in requests
    )
    script = Path(work_dir) / "requests.lua"
    script.write_text(
        LUA.format(
            requests="{\n" + items + "\n}",
            progress=_lua_string(str(progress)) if progress else "nil",
        )
    )
    command = [
        program,
        "--threads",
        "1",
        "--connections",
        str(connections),
        "--duration",
        f"{duration}s",
        "--timeout",
        "30s",
        "--script",
        str(script),
        base,
    ]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        LOADS.add(process)
        try:
            output, _ = process.communicate()
        except BaseException:
            # A stop sent to this process alone would leave wrk running.
            process.kill()
            raise
        finally:
            LOADS.discard(process)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    line = next(x for x in output.splitlines() if x.startswith("BENCH "))
    count, micros, p50, p99, status, socket_errors = map(int, line.split()[1:])
    return Figures(
        count / (micros / 1e6), p50 / 1000, p99 / 1000, count, status + socket_errors
    )


def pgbench(database_url, script, *, duration, connections, work_dir):
    """Run a pgbench script for `duration` seconds; return the figures."""
    program = require("pgbench", PGBENCH_HINT)
    work_dir = Path(work_dir)
    path = work_dir / "script.sql"
    path.write_text(script)
    prefix = work_dir / "pgbench"
    for old in work_dir.glob("pgbench.*"):
        old.unlink()
    completed = subprocess.run(
        [
            program,
            "--no-vacuum",
            "--protocol=simple",
            f"--client={connections}",
            "--jobs=1",
            f"--time={duration}",
            f"--file={path}",
            "--log",
            f"--log-prefix={prefix}",
            database_url,
        ],
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"pgbench failed: {completed.stderr.strip()}")
    latencies = sorted(
        int(line.split()[2])
        for log in work_dir.glob("pgbench.*")
        for line in log.read_text().splitlines()
    )
    failed = re.search(r"number of failed transactions: (\d+)", completed.stdout)
    rate = re.search(r"tps = ([\d.]+) \(without", completed.stdout)
    return Figures(
        float(rate.group(1)),
        percentile(latencies, 50) / 1000,
        percentile(latencies, 99) / 1000,
        len(latencies),
        int(failed.group(1)) if failed else 0,
    )


def percentile(ordered, rank):
    if not ordered:
        return 0
    return ordered[min(len(ordered) - 1, int(len(ordered) * rank / 100))]
