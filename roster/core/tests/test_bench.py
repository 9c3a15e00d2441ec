"""The benchmark's data set is complete, consistent and realistic.

The rows are checked as the generator makes them, before COPY, so these
tests need no PostgreSQL.
"""

import datetime as dt
from collections import Counter

import pytest

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
