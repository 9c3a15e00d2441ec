"""How Roster sets up PostgreSQL for many small requests.

SQLite has neither parallel plans, JIT nor unlogged tables, so these
tests need PostgreSQL, as the races do.
"""

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL settings only"
    ),
]


def setting(name):
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


@pytest.mark.parametrize(
    ("name", "value"), [("max_parallel_workers_per_gather", "0"), ("jit", "off")]
)
def test_sessions_plan_without_parallel_workers_or_jit(name, value):
    assert setting(name) == value


def test_throttle_counters_and_kept_counts_skip_the_write_ahead_log():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, relpersistence FROM pg_class "
            "WHERE relname IN ('core_requestcount', 'api_keptcount') ORDER BY relname"
        )
        assert cursor.fetchall() == [("api_keptcount", "u"), ("core_requestcount", "u")]


def test_a_customer_s_folded_name_is_in_an_index_beside_its_id():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes "
            "WHERE indexname = 'customers_coworker_id_full_name_idx'"
        )
        [(definition,)] = cursor.fetchall()
    assert definition.endswith("(id) INCLUDE (full_name_search)")
