"""Run the WSGI application under granian, a multi-process server."""

from granian import Granian
from granian.constants import Interfaces


def run(host, port, workers, threads=2):
    Granian(
        "roster.wsgi:application",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=threads,
        log_access=False,
    ).serve()
