"""The benchmark's data set is complete, consistent and realistic.

The rows are checked as the generator makes them, before COPY, so these
tests need no PostgreSQL.
"""

import datetime as dt
import re
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.core.validators import validate_email

from roster.core.bench import dataset, workloads

SMALL = dataset.Size(businesses=3, courses=12, customers=900, members=1000)
NOW = dt.datetime(2026, 3, 15, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def tables():
    """Every generated row, as {short table name: [row as a dict]}."""
    maker = dataset._Maker(SMALL, NOW)
    models = dataset._tables()
    names = {model: name for name, model in models.items()}
    return {
        names[model]: [dict(zip(columns, row, strict=True)) for row in rows]
        for model, columns, rows in maker.parts(models)
    }


def test_every_column_belongs_to_its_model():
    maker = dataset._Maker(SMALL, NOW)
    for model, columns, _rows in maker.parts(dataset._tables()):
        known = {field.column for field in model._meta.concrete_fields}
        assert set(columns) <= known, model


def test_the_size_is_what_was_asked(tables):
    assert [len(tables[name]) for name in ("business", "coworker", "course")] == [
        3,
        900,
        12,
    ]
    assert len(tables["member"]) == 1000


def test_a_customer_enrols_once_per_course_of_its_own_business(tables):
    home = {c["id"]: c["invoicing_business_id"] for c in tables["coworker"]}
    business = {c["id"]: c["business_id"] for c in tables["course"]}
    pairs = Counter((m["course_id"], m["coworker_id"]) for m in tables["member"])

    assert max(pairs.values()) == 1
    for member in tables["member"]:
        assert member["business_id"] == business[member["course_id"]]
        assert home[member["coworker_id"]] == member["business_id"]


def test_every_email_is_one_the_api_accepts(tables):
    """So that a customer read from the API can be written back as read."""
    emails = [row["email"] for row in tables["coworker"]]

    for email in emails:
        validate_email(email)
    assert len(set(emails)) == len(emails)
    assert {dataset._mailbox(n) for n in ["Søren", "Strauß", "O'Brien", "Łukasz"]} == {
        "soren",
        "strauss",
        "obrien",
        "lukasz",
    }


def test_ids_follow_creation_time(tables):
    created = [m["created_on"] for m in tables["member"]]

    assert created == sorted(created)
    assert [m["id"] for m in tables["member"]] == list(range(1, 1001))


def test_search_columns_hold_the_case_fold(tables):
    for customer in tables["coworker"]:
        assert customer["full_name_search"] == customer["full_name"].casefold()
        assert customer["billing_name_search"] == customer["billing_name"].casefold()
    for member in tables["member"]:
        assert member["system_id_search"] == (member["system_id"] or "").casefold()


def test_progress_is_consistent(tables):
    done = {}
    for completion in tables["completion"]:
        done.setdefault(completion["member_id"], []).append(completion)
    for member in tables["member"]:
        mine = sorted(done.get(member["id"], []), key=lambda c: c["id"])
        if member["last_access"] is None:
            assert mine == []
            continue
        assert member["approved"]
        if mine:
            assert member["last_completed_lesson_id"] == mine[-1]["lesson_id"]
            assert mine[-1]["created_on"] == member["last_access"]
            assert all(member["created_on"] <= c["created_on"] for c in mine)


def test_the_spread_is_realistic(tables):
    members = tables["member"]
    never = sum(m["last_access"] is None for m in members) / len(members)
    sizes = Counter(m["course_id"] for m in members)
    span = max(m["created_on"] for m in members) - min(m["created_on"] for m in members)

    assert 0.25 < never < 0.35
    assert max(sizes.values()) > 4 * min(sizes.values())
    assert span > dt.timedelta(days=2 * 365)
    assert any("son" in c["full_name_search"] for c in tables["coworker"])


def test_enrolments_that_cannot_fit_are_refused():
    maker = dataset._Maker(dataset.Size(1, 2, 10, 50), NOW)
    models = dataset._tables()

    with pytest.raises(ValueError, match="50 enrolments do not fit in 10 customers"):
        for _model, _columns, rows in maker.parts(models):
            list(rows)


def test_the_months_searched_are_the_whole_ones_before_now():
    assert workloads._months_before(NOW, 3) == [(2025, 12), (2026, 1), (2026, 2)]


IMPOSSIBLE_SIZES = [
    (dataset.Size(0, 10, 100, 100), ["--businesses must be at least 1."]),
    (
        dataset.Size(5, 3, 100, 100),
        ["--courses must be at least --businesses: each runs one."],
    ),
    (dataset.Size(1, 10, 0, 100), ["--customers must be at least 1."]),
    (
        dataset.Size(1, 10, 100, 9),
        ["--members must be at least --courses: each has one."],
    ),
    (dataset.Size(1, 10, 100, 10), []),
]


@pytest.mark.parametrize(("size", "problems"), IMPOSSIBLE_SIZES)
def test_a_size_that_cannot_be_generated_is_refused(size, problems):
    assert size.problems() == problems


# No database is reached: each is refused before the run starts.
REFUSED_RUNS = [
    (["--workloads", "W1,w9"], "Unknown workloads: W9; choose from W1, W2, W3"),
    (["--workloads", " , "], "--workloads names none of W1, W2, W3"),
    (
        ["--demo", "--members", "100", "--connections", "4"],
        "--database-url, --members, --connections: only for a PostgreSQL run, "
        "not with --demo.",
    ),
    (["--duration", "0"], "--duration must be at least 1."),
    (["--connections", "0", "--warmup", "-1"], "--warmup must be at least 0."),
    (["--members", "0"], "--members must be at least --courses: each has one."),
    (
        ["--database-url", "sqlite:////tmp/bench.sqlite3"],
        "The benchmark needs a PostgreSQL database URL",
    ),
    (["--database-url", "postgres://postgres@127.0.0.1:5432"], "names no database"),
]


@pytest.mark.parametrize(("args", "message"), REFUSED_RUNS)
def test_a_run_that_cannot_work_is_refused_with_a_reason(args, message):
    url = ["--database-url", "postgres://postgres@127.0.0.1:1/never_reached"]
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("bench", *url, *args)
