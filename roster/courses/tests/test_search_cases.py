"""The known ways to get a paged search wrong, each as its own tests.

1. ties across pages, 2. counts inflated by joins, 3. paging values,
4. sort values, 5. booleans, 6. minutes, 7. the scope of counts. Some of
them overlap the CourseMember search tests; here each case stands whole,
on data made for it.
"""

import pytest
from django.db import connection

from roster.courses.models import CourseMember
from roster.testing import (
    PAGE_RULE,
    SEARCH,
    SIZE_RULE,
    SORTABLE,
    enrol,
    envelope,
    full_names,
    invalid,
    make_course,
    make_customer,
    make_team,
    search_queries,
    utc,
)

LIST = "CourseMember-List"


def ids(response):
    assert response.status_code == 200, response.content
    return [record["Id"] for record in response.json()["Records"]]


def walk(api, params):
    """Follow HasNextPage from page 1; return the Ids and the pages read."""
    seen, pages = [], []
    for page in range(1, 100):
        response = api.get(SEARCH, {**params, "page": str(page)})
        seen += ids(response)
        pages.append(response.json())
        if not response.json()["HasNextPage"]:
            break
    return seen, pages


# 1. Ties across pages


@pytest.fixture
def namesakes(north):
    """25 members of one course, every one a customer named "Ana Smith"."""
    course = make_course(north, "Python Basics")
    return [
        enrol(course, make_customer(north, "Ana Smith", email=f"ana{n}@example.com"))
        for n in range(25)
    ]


@pytest.mark.parametrize(
    "order_by", ["CoworkerFullName", "CourseTitle", "LastAccess", "Approved"]
)
def test_walking_tied_pages_shows_each_member_once(admin, namesakes, order_by):
    """Ties go by Id, so the two directions are exact reverses."""
    query = {"orderBy": order_by, "size": "10"}

    up, up_pages = walk(admin, {**query, "dir": "1"})
    down, down_pages = walk(admin, {**query, "dir": "-1"})

    assert up == sorted(member.id for member in namesakes)
    assert down == up[::-1]
    assert [len(page["Records"]) for page in up_pages] == [10, 10, 5]
    assert [len(page["Records"]) for page in down_pages] == [10, 10, 5]


def test_the_query_count_does_not_grow_with_the_records_on_a_page(
    admin, namesakes, north, django_assert_num_queries
):
    """Throttle, token, count, page (and team names), for one record as for 25."""
    for n, member in enumerate(namesakes):
        make_team(north, f"Team {n}").members.add(member.coworker)

    with django_assert_num_queries(search_queries()):
        one = admin.get(SEARCH, {"size": "1", "CourseMember_Coworker_TeamNames": "t"})
    with django_assert_num_queries(search_queries()):
        all_25 = admin.get(SEARCH, {"CourseMember_Coworker_TeamNames": "t"})

    assert len(ids(one)) == 1
    assert [r["CoworkerTeamNames"] for r in all_25.json()["Records"]] == [
        f"Team {n}" for n in range(25)
    ]


# 2. Counts inflated by joins


@pytest.fixture
def office(north):
    """Three members of North Hub's Python course.

    | member | teams                       | approved |
    |--------|-----------------------------|----------|
    | Ana    | Ops North, Ops South, DevOps | yes      |
    | Ben    | Design                      | no       |
    | Cleo   |                             | yes      |
    """
    python = make_course(north, "Python Basics")
    ops = [make_team(north, name) for name in ("Ops North", "Ops South", "DevOps")]
    design = make_team(north, "Design")
    enrol(python, make_customer(north, "Ana Smith", teams=ops), approved=True)
    enrol(python, make_customer(north, "Ben Ortiz", teams=[design]))
    enrol(python, make_customer(north, "Cleo Park"), approved=True)
    return python


@pytest.mark.parametrize(
    ("teams", "names"),
    [
        ("Ops", ["Ana Smith"]),
        ("ops,NORTH,devops", ["Ana Smith"]),
        ("Ops,Design", ["Ana Smith", "Ben Ortiz"]),
    ],
)
def test_a_customer_in_several_matching_teams_counts_once(admin, office, teams, names):
    response = admin.get(SEARCH, {"CourseMember_Coworker_TeamNames": teams})

    total = len(names)
    assert {**response.json(), "Records": full_names(response)} == envelope(
        names, 1, 25, 1, total, False, False, total, 1
    )


@pytest.mark.parametrize(
    "params", [{"CourseMember_Coworker_TeamNames": "Ops,Design"}, {}]
)
def test_no_page_of_a_walk_is_empty_while_the_total_says_it_holds_records(
    admin, office, params
):
    seen, pages = walk(admin, {**params, "size": "1"})

    total = pages[0]["TotalItems"]
    assert [len(page["Records"]) for page in pages] == [1] * total
    assert len(set(seen)) == total == pages[0]["TotalPages"]


# 3. Paging values


@pytest.mark.parametrize(
    ("name", "value", "rule"),
    [
        *[("page", value, PAGE_RULE) for value in ("0", "-1", "1.5", "abc")],
        ("page", "99999999999999999999", PAGE_RULE),
        *[("size", value, SIZE_RULE) for value in ("0", "-1", "1.5", "abc")],
        ("size", "5001", SIZE_RULE),
        ("size", "1000000000", SIZE_RULE),
    ],
)
def test_a_paging_value_outside_its_rule_is_refused(admin, office, name, value, rule):
    response = admin.get(SEARCH, {name: value})

    assert response.status_code == 400
    assert response.json() == invalid((name, value, f"{name} {rule}"))


OFFICE = ["Ana Smith", "Ben Ortiz", "Cleo Park"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"page": "", "size": ""}, envelope(OFFICE, 1, 25, 1, 3, False, False, 3, 1)),
        ({"page": ""}, envelope(OFFICE, 1, 25, 1, 3, False, False, 3, 1)),
        ({"size": ""}, envelope(OFFICE, 1, 25, 1, 3, False, False, 3, 1)),
        ({"page": "2"}, envelope([], 2, 25, 0, 0, False, True, 3, 1)),
        ({"page": "3", "size": "2"}, envelope([], 3, 2, 0, 0, False, True, 3, 2)),
        (
            {"page": "99999999", "size": "5000"},
            envelope([], 99999999, 5000, 0, 0, False, True, 3, 1),
        ),
    ],
)
def test_empty_values_mean_the_defaults_and_a_page_past_the_end_is_empty(
    admin, office, params, expected
):
    response = admin.get(SEARCH, params)

    assert {**response.json(), "Records": full_names(response)} == expected


# 4. Sort values


@pytest.mark.parametrize(
    "order_by",
    [
        "Id;DROP TABLE x",
        "coworker__email",
        "Coworker.FullName",
        "password",
        "-Id",
        "Id DESC",
        "CoworkerTeamNames",
        "courses_coursemember.id",
    ],
)
def test_only_the_record_s_own_properties_sort(
    admin, office, order_by, django_assert_num_queries
):
    """A refused order reaches no query beyond the throttle's and the token's."""
    with django_assert_num_queries(2):
        response = admin.get(SEARCH, {"orderBy": order_by})

    assert response.status_code == 400
    assert response.json() == invalid(
        ("orderBy", order_by, f"orderBy must be a property of the record: {SORTABLE}.")
    )
    assert CourseMember._meta.db_table in connection.introspection.table_names()
    assert full_names(admin.get(SEARCH)) == OFFICE


# 5. Booleans

APPROVED = ["Ana Smith", "Cleo Park"]
WAITING = ["Ben Ortiz"]


@pytest.mark.parametrize(
    ("value", "names"),
    [
        *[(value, APPROVED) for value in ("true", "True", "TRUE", "1")],
        *[(value, WAITING) for value in ("false", "False", "FALSE", "0")],
    ],
)
def test_equivalent_booleans_give_the_same_members(admin, office, value, names):
    assert full_names(admin.get(SEARCH, {"CourseMember_Approved": value})) == names


@pytest.mark.parametrize("value", ["yes", "2", "maybe", "on", "-1", "truth"])
def test_other_booleans_are_refused(admin, office, value):
    response = admin.get(SEARCH, {"CourseMember_Approved": value})

    assert response.status_code == 400
    assert response.json() == invalid(
        (
            "CourseMember_Approved",
            value,
            "CourseMember_Approved must be true, false, 1 or 0.",
        )
    )


# 6. Minutes


@pytest.fixture
def visits(north):
    """Members last in the course around 10:30 UTC, and one never."""
    course = make_course(north, "Python Basics")
    for name, moment in [
        ("Ana Early", "2025-03-10T10:29:59.999"),
        ("Ben Start", "2025-03-10T10:30:00.000"),
        ("Cy End", "2025-03-10T10:30:59.999"),
        ("Dee Late", "2025-03-10T10:31:00.000"),
        ("Eve Never", None),
    ]:
        access = utc(moment) if moment else None
        enrol(course, make_customer(north, name), last_access=access)


ANA, BEN, CY, DEE = "Ana Early", "Ben Start", "Cy End", "Dee Late"
FROM, TO, ON = (
    "from_CourseMember_LastAccess",
    "to_CourseMember_LastAccess",
    "CourseMember_LastAccess",
)


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({FROM: "2025-03-10T10:30", TO: "2025-03-10T10:30"}, [BEN, CY]),
        ({TO: "2025-03-10T10:30"}, [ANA, BEN, CY]),
        ({ON: "2025-03-10T10:30"}, [BEN, CY]),
        ({FROM: "2025-03-10T10:30"}, [BEN, CY, DEE]),
        ({FROM: "2025-03-10T10:31"}, [DEE]),
        ({TO: "2025-03-10T10:29"}, [ANA]),
        ({ON: "2025-03-10T10:29"}, [ANA]),
        ({ON: "2025-03-10T10:30:59"}, [CY]),
        ({ON: "2025-03-10"}, [ANA, BEN, CY, DEE]),
        ({FROM: "2000-01-01"}, [ANA, BEN, CY, DEE]),
        ({TO: "2999-12-31T23:59"}, [ANA, BEN, CY, DEE]),
        ({FROM: "2025-03-10T10:31", TO: "2025-03-10T10:30"}, []),
    ],
)
def test_a_minute_holds_all_its_milliseconds_and_never_is_outside(
    admin, visits, params, names
):
    assert full_names(admin.get(SEARCH, params)) == names


# 7. Scope of counts


@pytest.fixture
def two_hubs(north, south):
    """Three members in North Hub, two in South Hub."""
    python = make_course(north, "Python Basics")
    sourdough = make_course(south, "Sourdough Starter")
    for name in ("Ana Smith", "Ben Ortiz", "Cleo Park"):
        enrol(python, make_customer(north, name))
    sven = make_customer(south, "Sven Berg")
    enrol(sourdough, sven)
    enrol(sourdough, make_customer(south, "Siri Dahl"))
    return {"course": sourdough, "customer": sven}


@pytest.fixture
def north_clerk(make_api, north):
    return make_api("clerk@example.com", [LIST], [north])


def test_a_restricted_administrator_counts_only_its_business(
    admin, north_clerk, two_hubs
):
    clerk = north_clerk.get(SEARCH, {"size": "1"})
    everyone = admin.get(SEARCH, {"size": "1"})

    assert {**clerk.json(), "Records": full_names(clerk)} == envelope(
        ["Ana Smith"], 1, 1, 1, 1, True, False, 3, 3
    )
    assert everyone.json()["TotalItems"] == 5


@pytest.mark.parametrize(
    ("name", "foreign"),
    [("CourseMember_Course", "course"), ("CourseMember_Coworker", "customer")],
)
def test_another_business_s_ids_count_like_missing_ones(
    north_clerk, two_hubs, name, foreign
):
    foreign_id = two_hubs[foreign].id
    answers = [
        north_clerk.get(SEARCH, {name: str(value)}) for value in (foreign_id, 987654321)
    ]

    assert [answer.status_code for answer in answers] == [200, 200]
    assert answers[0].json() == answers[1].json()
    assert answers[0].json() == envelope([], 1, 25, 0, 0, False, False, 0, 0)
