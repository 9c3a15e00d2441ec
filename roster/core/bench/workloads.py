"""The searches the benchmark times, each three ways.

A workload is a list of variants, the requests a client rotates through.
Each variant is an API query, a plain Django ORM query that must give the
same record ids and `TotalItems` (the reference), and the workload has a
pgbench script doing the same work in hand-written SQL: the count, then the
page with its related columns and team names.
"""

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F

from roster.core.bench.names import NAME_FRAGMENTS
from roster.core.text import fold
from roster.courses.models import Course, CourseLesson, CourseMember
from roster.customers.models import Coworker, Team

ADMIN, CLERK = "admin", "clerk"
KEYS = ("W1", "W2", "W3", "W4", "W5", "W6", "W7")


@dataclass(frozen=True)
class Variant:
    """One request: its query string and what the reference query filters."""

    params: dict
    filters: dict = field(default_factory=dict)
    order: str = "id"
    direction: int = 1
    page: int = 1
    size: int = 25

    def path(self):
        from urllib.parse import urlencode

        return "/api/content/coursemembers?" + urlencode(self.params)


@dataclass(frozen=True)
class Workload:
    key: str
    title: str
    who: str
    variants: list
    script: str
    target_rps: float
    target_p99_ms: float

    def target(self):
        return f"{self.target_rps:g}/s, p99 {self.target_p99_ms:g} ms"


@dataclass(frozen=True)
class Facts:
    """What the workloads need to know about the data set."""

    courses_near_500: list
    months: list
    clerk_business: int


def facts(now):
    """Read the facts from the database: they hold for a reused data set too."""
    sizes = (
        CourseMember.objects.values("course_id")
        .annotate(n=Count("id"))
        .values_list("course_id", "n")
    )
    near = sorted(sizes, key=lambda pair: (abs(pair[1] - 500), pair[0]))[:100]
    busiest = (
        CourseMember.objects.values("business_id")
        .annotate(n=Count("id"))
        .order_by("-n", "business_id")
        .values_list("business_id", flat=True)
        .first()
    )
    return Facts(
        courses_near_500=sorted(course for course, _ in near),
        months=_months_before(now, 12),
        clerk_business=busiest,
    )


def _months_before(now, count):
    """The `count` whole months before the one holding `now`, oldest first."""
    year, month = now.year, now.month
    months = []
    for _ in range(count):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        months.append((year, month))
    return months[::-1]


def _month_span(year, month):
    last = calendar.monthrange(year, month)[1]
    first_day, last_day = dt.date(year, month, 1), dt.date(year, month, last)
    start = dt.datetime.combine(first_day, dt.time(), dt.UTC)
    return first_day, last_day, start, start + dt.timedelta(days=last)


def build(facts, selected=None):
    """The seven workloads, or those whose keys are in `selected`."""
    tables = _Tables()
    workloads = [
        _w1(tables),
        _w2(tables, facts),
        _w3(tables),
        _w4(tables, facts),
        _w5(tables),
        _w6(tables, facts),
        _w7(tables),
    ]
    if selected:
        workloads = [w for w in workloads if w.key in selected]
    return workloads


def _newest_first(page, **extra):
    return Variant(
        {"page": page, "size": 15, "orderBy": "CreatedOn", "dir": -1},
        order="created_on",
        direction=-1,
        page=page,
        size=15,
        **extra,
    )


def _w1(t):
    return Workload(
        "W1",
        "newest first, pages 1-50, size 15",
        ADMIN,
        [_newest_first(page) for page in range(1, 51)],
        t.script(
            "\\set page random(1, 50)",
            where="true",
            order="m.created_on DESC, m.id DESC",
            size=15,
            page=":page",
        ),
        500,
        100,
    )


def _w2(t, facts):
    courses = facts.courses_near_500
    return Workload(
        "W2",
        f"one course of ~500 members, size 25, {len(courses)} courses",
        ADMIN,
        [
            Variant(
                {"CourseMember_Course": course, "size": 25},
                filters={"course_id": course},
            )
            for course in courses
        ],
        t.script(
            f"\\set k random(1, {len(courses)})",
            where=f"m.course_id = {_pick(courses, 'bigint')}",
            order="m.id",
            size=25,
            page="1",
        ),
        600,
        60,
    )


def _w3(t):
    variants = [
        Variant(
            {"CourseMember_Coworker_FullName": fragment, "page": page},
            filters={"coworker__full_name_search__contains": fold(fragment)},
            page=page,
        )
        for fragment in NAME_FRAGMENTS
        for page in range(1, 21)
    ]
    pattern = f"'%' || {_pick([fold(f) for f in NAME_FRAGMENTS], 'text')} || '%'"
    return Workload(
        "W3",
        "customer name contains a common fragment, pages 1-20, 10 fragments",
        ADMIN,
        variants,
        t.script(
            f"\\set k random(1, {len(NAME_FRAGMENTS)})\n\\set page random(1, 20)",
            where=f"cw.full_name_search LIKE {pattern}",
            order="m.id",
            size=25,
            page=":page",
            count_join=t.coworker_join,
        ),
        100,
        200,
    )


def _w4(t, facts):
    variants, starts, ends = [], [], []
    for year, month in facts.months:
        first_day, last_day, start, end = _month_span(year, month)
        starts.append(start.isoformat())
        ends.append(end.isoformat())
        variants.append(
            Variant(
                {
                    "from_CourseMember_LastAccess": first_day.isoformat(),
                    "to_CourseMember_LastAccess": last_day.isoformat(),
                    "CourseMember_Approved": "true",
                    "orderBy": "LastAccess",
                },
                filters={
                    "last_access__gte": start,
                    "last_access__lt": end,
                    "approved": True,
                },
                order="last_access",
            )
        )
    where = (
        f"m.last_access >= {_pick(starts, 'timestamptz')} "
        f"AND m.last_access < {_pick(ends, 'timestamptz')} AND m.approved"
    )
    return Workload(
        "W4",
        "approved, last access within one month, by LastAccess, 12 months",
        ADMIN,
        variants,
        t.script(
            f"\\set k random(1, {len(variants)})",
            where=where,
            order="m.last_access, m.id",
            size=25,
            page="1",
        ),
        400,
        100,
    )


def _w5(t):
    return Workload(
        "W5",
        "deep pages 1000-3000, size 15, oldest first",
        ADMIN,
        [
            Variant(
                {"page": page, "size": 15, "orderBy": "CreatedOn"},
                order="created_on",
                page=page,
                size=15,
            )
            for page in range(1000, 3001)
        ],
        t.script(
            "\\set page random(1000, 3000)",
            where="true",
            order="m.created_on, m.id",
            size=15,
            page=":page",
        ),
        300,
        100,
    )


def _w6(t, facts):
    business = facts.clerk_business
    return Workload(
        "W6",
        f"as W1, by an administrator of business {business} only",
        CLERK,
        [_newest_first(page) for page in range(1, 51)],
        t.script(
            "\\set page random(1, 50)",
            where=f"m.business_id = {business}",
            order="m.created_on DESC, m.id DESC",
            size=15,
            page=":page",
        ),
        500,
        100,
    )


def _w7(t):
    return Workload(
        "W7",
        "page 3 of size 5000",
        ADMIN,
        [Variant({"size": 5000, "page": 3}, page=3, size=5000)],
        t.script("", where="true", order="m.id", size=5000, page="3"),
        15,
        1000,
    )


def _pick(values, sql_type):
    """The pgbench variable :k's item of a constant array."""
    items = ", ".join(_literal(v) for v in values)
    return f"(ARRAY[{items}]::{sql_type}[])[:k]"


def _literal(value):
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


class _Tables:
    """Hand-written SQL over the models' tables.

    The SQL is what a developer would write for each search: it leaves out
    NULLS FIRST/LAST where no null can appear (CreatedOn is never null, and
    a LastAccess range excludes nulls), which the contract's ordering
    otherwise needs.
    """

    def __init__(self):
        self.member = CourseMember._meta.db_table
        self.course = Course._meta.db_table
        self.coworker = Coworker._meta.db_table
        self.lesson = CourseLesson._meta.db_table
        self.team = Team._meta.db_table
        self.team_members = Team.members.through._meta.db_table
        self.coworker_join = f"JOIN {self.coworker} cw ON cw.id = m.coworker_id"

    def script(self, variables, *, where, order, size, page, count_join=""):
        count = f"SELECT count(*) FROM {self.member} m {count_join} WHERE {where};"
        records = f"""SELECT m.id, m.course_id, co.title, m.coworker_id,
  cw.coworker_type, cw.full_name, cw.company_name, cw.billing_name,
  m.last_completed_lesson_id, l.title, m.last_access, m.approved, m.blocked,
  m.updated_on, m.created_on, m.unique_id, m.updated_by, m.system_id,
  (SELECT string_agg(t.name, ', ' ORDER BY t.name)
     FROM {self.team_members} tm JOIN {self.team} t ON t.id = tm.team_id
     WHERE tm.coworker_id = m.coworker_id) AS team_names
FROM {self.member} m
  JOIN {self.course} co ON co.id = m.course_id
  {self.coworker_join}
  LEFT JOIN {self.lesson} l ON l.id = m.last_completed_lesson_id
WHERE {where}
ORDER BY {order}
LIMIT {size} OFFSET ({page} - 1) * {size};"""
        # pgbench reads one statement per line unless it ends with ";".
        return (
            "\n".join(
                part for part in (variables, count, " ".join(records.split())) if part
            )
            + "\n"
        )


def reference(variant, businesses):
    """The ids of the page and the total, by a plain ORM query."""
    records = CourseMember.objects.filter(**variant.filters)
    if businesses is not None:
        records = records.filter(business_id__in=businesses)
    total = records.count()
    if variant.direction == 1:
        order = (F(variant.order).asc(nulls_first=True), "id")
    else:
        order = (F(variant.order).desc(nulls_last=True), "-id")
    offset = (variant.page - 1) * variant.size
    ids = records.order_by(*order).values_list("id", flat=True)
    return list(ids[offset : offset + variant.size]), total
