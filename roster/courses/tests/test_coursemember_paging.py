"""Walking the pages of a CourseMember search never repeats or skips a member.

The search finds a page's ids first and joins their columns afterwards; the
order must survive both steps, with ties broken by Id the same way and
nulls first ascending, last descending, filtered or not.
"""

import pytest

from roster.testing import enrol, make_course, make_customer, utc

SEARCH = "/api/content/coursemembers"


@pytest.fixture
def namesakes(north):
    """25 members of one course, all named Ana Smith, enrolled at one moment.

    Every third has never accessed the course; the others accessed it on
    one of three days.
    """
    course = make_course(north, "Python Basics")
    members = []
    for number in range(25):
        customer = make_customer(north, "Ana Smith", email=f"ana{number}@example.com")
        accessed = None
        if number % 3:
            accessed = utc(f"2025-03-{10 + number % 4:02d}T10:00")
        members.append(
            enrol(
                course,
                customer,
                created_on=utc("2025-01-05T09:00"),
                last_access=accessed,
            )
        )
    return members


def walk(api, params, size=10):
    ids, page = [], 1
    while True:
        body = api.get(SEARCH, {**params, "size": size, "page": page}).json()
        ids += [record["Id"] for record in body["Records"]]
        if not body["HasNextPage"]:
            return ids, body["TotalItems"]
        page += 1


@pytest.mark.parametrize("order_by", ["CoworkerFullName", "CreatedOn", "LastAccess"])
def test_walking_both_ways_meets_every_member_once(admin, namesakes, order_by):
    up, up_total = walk(admin, {"orderBy": order_by, "dir": "1"})
    down, down_total = walk(admin, {"orderBy": order_by, "dir": "-1"})

    assert sorted(up) == sorted(m.id for m in namesakes)
    assert down == up[::-1]
    assert up_total == down_total == 25


def test_ties_go_by_id(admin, namesakes):
    up, _ = walk(admin, {"orderBy": "CreatedOn"})

    assert up == sorted(m.id for m in namesakes)


def test_nulls_come_first_ascending_and_last_descending(admin, namesakes):
    never = sorted(m.id for m in namesakes if m.last_access is None)

    up, _ = walk(admin, {"orderBy": "LastAccess"})
    down, _ = walk(admin, {"orderBy": "LastAccess", "dir": "-1"})

    assert up[: len(never)] == never
    assert down[-len(never) :] == never[::-1]


def test_a_range_filter_keeps_the_order_of_the_unfiltered_search(admin, namesakes):
    everyone, _ = walk(admin, {"orderBy": "LastAccess", "dir": "-1"}, size=7)
    accessed = [m.id for m in namesakes if m.last_access is not None]

    ranged, total = walk(
        admin,
        {
            "orderBy": "LastAccess",
            "dir": "-1",
            "from_CourseMember_LastAccess": "2025-01-01",
        },
        size=7,
    )

    assert ranged == [pk for pk in everyone if pk in accessed]
    assert total == len(accessed)
