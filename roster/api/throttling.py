"""The API throttle: so many requests per client address in each window.

Past the limit the API answers 409 with `Retry-After`, as Nexudus does.
Counts are shared by every server process: an atomic increment in Redis
when `ROSTER_CACHE_URL` names one, otherwise one upsert in the database.
"""

import logging
import math
import time
from functools import cache

from django.conf import settings
from django.db import connection

from roster.accounts.throttling import client_address
from roster.api.errors import ApiError, json_response
from roster.core.models import RequestCount

logger = logging.getLogger(__name__)


class Throttled(ApiError):
    def __init__(self, retry_after):
        super().__init__(retry_after)
        self.retry_after = retry_after

    def response(self):
        message = "Too many requests; try again in a moment."
        response = json_response({"Message": message}, status=409)
        response["Retry-After"] = str(self.retry_after)
        return response


def check(request):
    """Count the request; raise Throttled when its client is over the limit."""
    limit = settings.ROSTER_API_REQUESTS_PER_WINDOW
    if not limit:
        return
    seconds = settings.ROSTER_API_WINDOW_SECONDS
    now = time.time()
    window = int(now // seconds)
    key = f"api:{client_address(request)}"
    if _count(key, window, seconds) > limit:
        logger.warning("API throttled a client for the rest of window %s", window)
        raise Throttled(max(1, math.ceil((window + 1) * seconds - now)))


def _count(key, window, seconds):
    if settings.ROSTER_CACHE_URL:
        return _count_in_redis(key, window, seconds)
    return _count_in_database(key, window)


@cache
def _redis():
    import redis

    return redis.Redis.from_url(settings.ROSTER_CACHE_URL)


def _count_in_redis(key, window, seconds):
    name = f"roster:{key}:{window}"
    pipeline = _redis().pipeline()
    pipeline.incr(name)
    pipeline.expire(name, seconds * 2)
    return pipeline.execute()[0]


def _count_in_database(key, window):
    quote = connection.ops.quote_name
    table = quote(RequestCount._meta.db_table)
    key_column, window_column = quote("key"), quote("window")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_column}, {window_column}, count) "
            "VALUES (%s, %s, 1) "
            f"ON CONFLICT ({key_column}) DO UPDATE SET "
            f"count = CASE WHEN {table}.{window_column} = %s "
            f"THEN {table}.count + 1 ELSE 1 END, {window_column} = %s "
            "RETURNING count",
            [key, window, window, window],
        )
        return cursor.fetchone()[0]
