"""A large, realistic data set written straight into PostgreSQL with COPY.

Businesses differ in size; courses differ more (a few hold thousands of
members, many a few dozen, some about five hundred); customers enrol in
courses of the business that invoices them, over three years; about 30% of
enrolments were never accessed, and members who did access a course have
completed its first lessons in order. The same size and seed always give
the same records.

Rows are written with COPY in one transaction, with the secondary indexes
dropped while loading and rebuilt before the commit, so that a failure
leaves the database as it was. Foreign keys and triggers are switched off
for the load (`session_replication_role`, which needs a superuser), and
the counts the triggers keep are made from the loaded rows. The size
and seed are recorded in a marker table, so a later run with the same size
reuses the data.
"""

import datetime as dt
import json
import random
import time
import unicodedata
import uuid
from dataclasses import asdict, dataclass

import psycopg
from django.apps import apps
from tqdm import tqdm

from roster.api import counting
from roster.core.bench import names
from roster.core.text import fold

SEED = 20261204
# Raise when the generator makes different records for the same size.
VERSION = 1
MARKER = "roster_bench_dataset"
APPS = ("businesses", "customers", "courses")
YEAR = 365 * 86400
DAY = 86400
WRITER = "import@roster.bench"


@dataclass(frozen=True)
class Size:
    businesses: int = 50
    courses: int = 2000
    customers: int = 200_000
    members: int = 1_000_000

    def label(self):
        return json.dumps({"version": VERSION, "seed": SEED, **asdict(self)})

    def problems(self):
        """What makes the size impossible to generate, in the options' words."""
        found = []
        if self.businesses < 1:
            found.append("--businesses must be at least 1.")
        if self.courses < max(self.businesses, 1):
            found.append("--courses must be at least --businesses: each runs one.")
        if self.customers < 1:
            found.append("--customers must be at least 1.")
        if self.members < max(self.courses, 1):
            found.append("--members must be at least --courses: each has one.")
        return found


@dataclass(frozen=True)
class Dataset:
    """A generated data set: its size, its clock and how it came to be."""

    size: Size
    now: dt.datetime
    reused: bool
    seconds: float


class NotBenchData(Exception):
    """The database holds records that no benchmark run generated."""


def ensure(url, size, *, progress=True):
    """Return the data set of this size in the database, generating it if needed.

    A data set of another size is replaced, and with it every change made
    to it; logins other than the benchmark's own stop that.
    """
    with psycopg.connect(url) as connection:
        found = _marker(connection)
        if found and found[0] == size.label():
            return Dataset(size, found[1], True, found[2])
        if not found and _has_records(connection):
            raise NotBenchData(
                "The database holds records but no benchmark data set; "
                "give the benchmark a database of its own."
            )
        others = _other_logins(connection)
        if others:
            raise NotBenchData(
                f"The database has logins the benchmark did not make ({others}), "
                "which a new data set would delete; give the benchmark a "
                "database of its own."
            )
        started = time.monotonic()
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        _generate(connection, size, now, progress)
        seconds = time.monotonic() - started
        _write_marker(connection, size, now, seconds)
        connection.commit()
    _vacuum(url)
    return Dataset(size, now, False, time.monotonic() - started)


def _marker(connection):
    exists = connection.execute("SELECT to_regclass(%s)", [MARKER]).fetchone()[0]
    if exists is None:
        return None
    return connection.execute(f"SELECT label, now, seconds FROM {MARKER}").fetchone()


def _has_records(connection):
    for model in _models():
        table = model._meta.db_table
        if connection.execute(f'SELECT EXISTS (SELECT FROM "{table}")').fetchone()[0]:
            return True
    return False


def check_own(url):
    """Refuse, before anything is written, a database that is not the
    benchmark's: one with another application's tables, or with Roster's
    records but no data set of the benchmark's. An empty Roster database,
    such as one a failed run created, is taken."""
    with psycopg.connect(url) as connection:
        if _marker(connection):
            return
        tables = {
            name
            for (name,) in connection.execute(
                "SELECT schemaname || '.' || tablename FROM pg_tables "
                "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            )
        }
        foreign = sorted(tables - _roster_tables())
        if foreign:
            shown = ", ".join(foreign[:3]) + (", …" if len(foreign) > 3 else "")
            raise NotBenchData(
                f"The database holds tables that are not Roster's ({shown}); "
                "give the benchmark a database of its own."
            )
        if tables and (_has_records(connection) or _other_logins(connection)):
            raise NotBenchData(
                "The database holds Roster's records but no benchmark data set; "
                "give the benchmark a database of its own."
            )


def _roster_tables():
    from django.conf import settings

    from roster.core.bench.mixed import ORIGINALS

    names = {m._meta.db_table for m in apps.get_models(include_auto_created=True)}
    names |= {"django_migrations", settings.CACHES["default"].get("LOCATION", "")}
    names |= {MARKER, ORIGINALS}
    return {f"public.{name}" for name in names}


def _other_logins(connection):
    from roster.accounts.models import User
    from roster.core.bench.run import ADMIN_EMAIL, CLERK_EMAIL

    table = User._meta.db_table
    if connection.execute("SELECT to_regclass(%s)", [table]).fetchone()[0] is None:
        return 0
    return connection.execute(
        f'SELECT count(*) FROM "{table}" WHERE email NOT IN (%s, %s)',
        [ADMIN_EMAIL, CLERK_EMAIL],
    ).fetchone()[0]


def _write_marker(connection, size, now, seconds):
    connection.execute(
        f"CREATE TABLE IF NOT EXISTS {MARKER} "
        "(label text NOT NULL, now timestamptz NOT NULL, seconds float NOT NULL)"
    )
    connection.execute(f"DELETE FROM {MARKER}")
    connection.execute(
        f"INSERT INTO {MARKER} VALUES (%s, %s, %s)", [size.label(), now, seconds]
    )


def _models():
    return [m for label in APPS for m in apps.get_app_config(label).get_models()]


def _vacuum(url):
    """Set the visibility map, so that counts can use index-only scans."""
    with psycopg.connect(url, autocommit=True) as connection:
        for model in _models():
            connection.execute(f'VACUUM (ANALYZE) "{model._meta.db_table}"')
            for field in model._meta.many_to_many:
                table = field.remote_field.through._meta.db_table
                connection.execute(f'VACUUM (ANALYZE) "{table}"')


def _generate(connection, size, now, progress):
    models = _tables()
    tables = [model._meta.db_table for model in models.values()]
    connection.execute("SET session_replication_role = replica")
    connection.execute("SET maintenance_work_mem = '1GB'")
    connection.execute("SET synchronous_commit = off")
    connection.execute(
        "TRUNCATE {} RESTART IDENTITY CASCADE".format(
            ", ".join(f'"{t}"' for t in tables)
        )
    )
    indexes = _drop_secondary_indexes(connection, tables)

    maker = _Maker(size, now)
    with tqdm(
        total=maker.rows_expected(),
        unit=" rows",
        unit_scale=True,
        desc="Generating",
        disable=not progress,
    ) as bar:
        for model, columns, rows in maker.parts(models):
            _copy(connection, model, columns, rows, bar)

    for name in tqdm(indexes, desc="Indexing", disable=not progress):
        connection.execute(indexes[name])
    for table in tables:
        connection.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
            f'(SELECT coalesce(max(id), 0) + 1 FROM "{table}"), false)',
            [table],
        )
    for counted in counting.counted_resources():
        for statement in counting.rebuild_statements(counted):
            connection.execute(statement)


def _tables():
    """The models the data set fills, by short name."""
    from roster.businesses.models import Business
    from roster.courses.models import (
        Course,
        CourseCompletedLesson,
        CourseLesson,
        CourseMember,
        CourseSection,
    )
    from roster.customers.models import Coworker, Team

    models = {
        "business": Business,
        "coworker": Coworker,
        "team": Team,
        "team_members": Team.members.through,
        "course": Course,
        "section": CourseSection,
        "lesson": CourseLesson,
        "member": CourseMember,
        "completion": CourseCompletedLesson,
    }
    return models


def _drop_secondary_indexes(connection, tables):
    """Drop the indexes no constraint needs; return how to create them again."""
    rows = connection.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = ANY(%s::regclass[])
          AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        """,
        [list(tables)],
    ).fetchall()
    for name, _definition in rows:
        connection.execute(f"DROP INDEX {name}")
    return dict(rows)


def _copy(connection, model, columns, rows, bar):
    """COPY rows into the model's table.

    Columns the rows leave out get the field's default, so that a field
    added to a model later does not stop the benchmark.
    """
    extra = [
        f
        for f in model._meta.concrete_fields
        if f.column not in columns and not f.null and f.has_default()
    ]
    defaults = tuple(f.get_db_prep_save(f.get_default(), None) for f in extra)
    names = ", ".join(f'"{c}"' for c in (*columns, *(f.column for f in extra)))
    table = model._meta.db_table
    with connection.cursor().copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
        written = 0
        for row in rows:
            copy.write_row(row + defaults if defaults else row)
            written += 1
            if written == 5000:
                bar.update(written)
                written = 0
        bar.update(written)


RECORD = (
    "id",
    "created_on",
    "updated_on",
    "unique_id",
    "updated_by",
    "system_id",
    "system_id_search",
)


def _moment(seconds):
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


class _Maker:
    """Makes the rows of each table in turn, remembering what later ones need."""

    def __init__(self, size, now):
        self.size = size
        self.random = random.Random(SEED)
        self.now = int(now.timestamp())
        self.start = self.now - 3 * YEAR
        self.lesson_count = 0
        self.completion_count = 0

    def rows_expected(self):
        # Lessons and completions are not known in advance; these are close.
        return (
            self.size.customers * 2.4 + self.size.courses * 9 + self.size.members * 2.1
        )

    def uuid(self):
        return uuid.UUID(int=self.random.getrandbits(128), version=4)

    def record(self, number, created, updated=None, system_id=None):
        updated = created if updated is None else updated
        return (
            number,
            _moment(created),
            _moment(updated),
            self.uuid(),
            WRITER,
            system_id,
            fold(system_id),
        )

    def parts(self, tables):
        """Yield (model, columns, rows) in an order that satisfies the keys."""
        yield tables["business"], self.BUSINESS, self.businesses()
        yield tables["coworker"], self.COWORKER, self.coworkers()
        yield tables["team"], self.TEAM, self.teams()
        yield tables["team_members"], ("team_id", "coworker_id"), self.team_members()
        yield tables["course"], self.COURSE, self.courses()
        yield tables["section"], self.SECTION, self.sections()
        yield tables["lesson"], self.LESSON, self.lessons()
        yield tables["member"], self.MEMBER, self.members()
        yield tables["completion"], self.COMPLETION, self.completions()

    BUSINESS = (
        *RECORD,
        "name",
        "name_search",
        "city",
        "city_search",
        "postcode",
        "email",
        "address",
        "phone",
        "web_site",
        "suspended",
    )

    def businesses(self):
        for number in range(1, self.size.businesses + 1):
            city = names.CITIES[(number - 1) % len(names.CITIES)]
            kind = names.HUB_KINDS[(number - 1) // len(names.CITIES) % 5]
            name = f"{city} {kind}"
            if number > len(names.CITIES) * len(names.HUB_KINDS):
                name = f"{name} {number}"
            yield (
                *self.record(number, self.start - YEAR),
                name,
                fold(name),
                city,
                fold(city),
                f"{10000 + number * 37}",
                f"hello@b{number}.example",
                f"{number} Market Street",
                f"+353 1 555 {number:04d}",
                f"https://b{number}.example",
                False,
            )

    COWORKER = (
        *RECORD,
        "coworker_type",
        "full_name",
        "full_name_search",
        "email",
        "email_search",
        "company_name",
        "company_name_search",
        "billing_name",
        "billing_name_search",
        "invoicing_business_id",
        "active",
    )

    def coworkers(self):
        """Customers, spread over the businesses unevenly."""
        rng = self.random
        count = self.size.customers
        business_weights = names.zipf_weights(self.size.businesses, 0.6)
        firsts, lasts = names.FIRST_NAMES, names.LAST_NAMES
        first_weights = names.zipf_weights(len(firsts))
        last_weights = names.zipf_weights(len(lasts))
        businesses = range(1, self.size.businesses + 1)
        homes = rng.choices(businesses, business_weights, k=count)
        self.customers_of = {b: [] for b in businesses}
        self.customer_created = [0] * (count + 1)
        for number in range(1, count + 1):
            home = homes[number - 1]
            self.customers_of[home].append(number)
            first = rng.choices(firsts, first_weights)[0]
            last = rng.choices(lasts, last_weights)[0]
            full_name = f"{first} {last}"
            company, kind = None, 1
            if rng.random() < 0.45:
                company = (
                    f"{rng.choice(names.COMPANY_WORDS)} "
                    f"{rng.choice(names.COMPANY_KINDS)}"
                )
                kind = 2 if rng.random() < 0.3 else 1
            billing = company or full_name
            email = f"{_mailbox(first)}.{_mailbox(last)}.{number}@example.com"
            created = self.start - YEAR // 2 + rng.randrange(3 * YEAR)
            self.customer_created[number] = created
            yield (
                *self.record(number, created),
                kind,
                full_name,
                fold(full_name),
                email,
                fold(email),
                company,
                fold(company),
                billing,
                fold(billing),
                home,
                rng.random() > 0.05,
            )

    TEAM = (*RECORD, "business_id", "name", "name_search")

    def teams(self):
        per = len(names.TEAM_NAMES)
        for business in range(1, self.size.businesses + 1):
            for offset, name in enumerate(names.TEAM_NAMES):
                number = (business - 1) * per + offset + 1
                yield (
                    *self.record(number, self.start),
                    business,
                    name,
                    fold(name),
                )

    def team_members(self):
        """Most customers are in one team of their business, some in several."""
        rng = self.random
        per = len(names.TEAM_NAMES)
        for business, customers in self.customers_of.items():
            first_team = (business - 1) * per + 1
            for customer in customers:
                for team in rng.sample(range(per), rng.choice((0, 0, 1, 1, 1, 2, 3))):
                    yield (first_team + team, customer)

    COURSE = (
        *RECORD,
        "business_id",
        "host_id",
        "title",
        "title_search",
        "summary_text",
        "full_description",
        "overview_text",
        "show_overview",
        "has_community_group",
        "active",
        "group_name",
        "display_order",
        "show_in_home_page",
        "visibility",
    )

    def courses(self):
        """Courses, more of them in larger businesses."""
        rng = self.random
        self.course_business = [0]
        self.course_created = [0]
        homes = self._spread(self.size.courses, self.customers_of)
        topics = names.COURSE_TOPICS
        for number, business in enumerate(homes, start=1):
            topic = topics[number % len(topics)]
            title = f"{topic} {number // len(topics) + 1}"
            created = self.start + rng.randrange(3 * YEAR - 30 * DAY)
            self.course_business.append(business)
            self.course_created.append(created)
            host = None
            if rng.random() < 0.2 and self.customers_of[business]:
                host = rng.choice(self.customers_of[business])
            yield (
                *self.record(number, created),
                business,
                host,
                title,
                fold(title),
                f"A short course on {topic.lower()}.",
                "<p>What the course covers.</p>",
                "",
                False,
                False,
                rng.random() > 0.1,
                "",
                number,
                False,
                rng.choice((1, 1, 1, 2, 3, 4)),
            )

    @staticmethod
    def _spread(count, customers_of):
        """Give each business a share of `count` in proportion to its customers."""
        total = sum(len(c) for c in customers_of.values()) or 1
        shares = {b: max(1, count * len(c) // total) for b, c in customers_of.items()}
        businesses = sorted(shares, key=lambda b: -len(customers_of[b]))
        index = 0
        while sum(shares.values()) != count:
            business = businesses[index % len(businesses)]
            if sum(shares.values()) < count:
                shares[business] += 1
            elif shares[business] > 1:
                shares[business] -= 1
            index += 1
        return [b for b in sorted(shares) for _ in range(shares[b])]

    SECTION = (
        *RECORD,
        "course_id",
        "title",
        "title_search",
        "section_contents",
        "active",
        "display_order",
        "unlock_type",
        "unlock_after_days",
    )

    def sections(self):
        rng = self.random
        self.sections_of = [()]
        number = 0
        for course in range(1, self.size.courses + 1):
            mine = []
            for order in range(rng.randint(1, 3)):
                number += 1
                mine.append(number)
                title = f"Part {order + 1}"
                yield (
                    *self.record(number, self.course_created[course]),
                    course,
                    title,
                    fold(title),
                    "",
                    True,
                    order,
                    1,
                    0,
                )
            self.sections_of.append(mine)

    LESSON = (
        *RECORD,
        "course_id",
        "section_id",
        "title",
        "title_search",
        "summary_text",
        "lesson_contents",
        "active",
        "display_order",
        "unlock_type",
        "unlock_after_days",
        "completion_type",
    )

    def lessons(self):
        """Lessons in section order; `lessons_of` keeps that order per course."""
        rng = self.random
        self.lessons_of = [()]
        number = 0
        for course in range(1, self.size.courses + 1):
            mine = []
            for section in self.sections_of[course]:
                for order in range(rng.randint(2, 5)):
                    number += 1
                    mine.append(number)
                    title = rng.choice(names.LESSON_WORDS)
                    yield (
                        *self.record(number, self.course_created[course]),
                        course,
                        section,
                        title,
                        fold(title),
                        "",
                        "<p>Lesson text.</p>",
                        True,
                        order,
                        rng.choice((1, 1, 1, 2)),
                        0,
                        rng.choice((3, 3, 3, 2, 4)),
                    )
            self.lessons_of.append(mine)
        self.lesson_count = number

    def course_sizes(self):
        """Members per course: log-normal, capped by the business's customers."""
        rng = self.random
        caps = [0] + [
            int(0.9 * len(self.customers_of[self.course_business[c]]))
            for c in range(1, self.size.courses + 1)
        ]
        wanted = self.size.members
        if wanted > sum(caps):
            raise ValueError(
                f"{wanted} enrolments do not fit in {self.size.customers} "
                "customers (a course takes at most 90% of its business's "
                "customers); give more customers."
            )
        raw = [0] + [rng.lognormvariate(0, 1.2) for _ in caps[1:]]

        def sizes_for(factor):
            return [0] + [
                min(caps[c], max(1, round(factor * raw[c])))
                for c in range(1, len(caps))
            ]

        low, high = 0.0, float(wanted)
        for _ in range(100):
            middle = (low + high) / 2
            if sum(sizes_for(middle)) < wanted:
                low = middle
            else:
                high = middle
        sizes = sizes_for(high)
        courses = list(range(1, len(caps)))
        while (excess := sum(sizes) - wanted) != 0:
            course = rng.choice(courses)
            if excess > 0 and sizes[course] > 1:
                sizes[course] -= 1
            elif excess < 0 and sizes[course] < caps[course]:
                sizes[course] += 1
        return sizes

    def enrolments(self):
        """(created, course, customer) of every enrolment, oldest first.

        Ids then follow creation time, as they do in a live system. Each is
        packed into one integer to keep ten million of them small.
        """
        rng = self.random
        courses = self.size.courses + 1
        customers = self.size.customers + 1
        packed = []
        for course, size in enumerate(self.course_sizes()):
            if not size:
                continue
            opened = self.course_created[course]
            members = self.customers_of[self.course_business[course]]
            for customer in rng.sample(members, size):
                since = max(opened, self.customer_created[customer])
                created = since + int(rng.random() * (self.now - since))
                packed.append((created * courses + course) * customers + customer)
        packed.sort()
        for key in packed:
            rest, customer = divmod(key, customers)
            created, course = divmod(rest, courses)
            yield created, course, customer

    MEMBER = (
        *RECORD,
        "course_id",
        "coworker_id",
        "business_id",
        "approved",
        "blocked",
        "approved_on",
        "last_completed_lesson_id",
        "last_access",
    )

    def members(self):
        """Enrolments with approvals, blocks and progress.

        Only approved members can have accessed a course: 85% are approved
        and 70% of all have accessed it. A member who accessed it completed
        its first lessons in order, none after the last access.
        """
        rng = self.random
        self.progress = []
        for number, (created, course, customer) in enumerate(self.enrolments(), 1):
            approved = rng.random() < 0.85
            accessed = approved and rng.random() < 0.7 / 0.85
            last_access = done = None
            if accessed:
                last_access = created + int(rng.random() ** 0.6 * (self.now - created))
                lessons = self.lessons_of[course]
                count = int(len(lessons) * rng.random() ** 2 * 1.3)
                done = min(count, len(lessons))
                if done:
                    self.progress.append((number, course, created, last_access, done))
            system_id = f"crm-{number:08d}" if rng.random() < 0.1 else None
            yield (
                *self.record(number, created, last_access or created, system_id),
                course,
                customer,
                self.course_business[course],
                approved,
                rng.random() < 0.03,
                _moment(created) if approved else None,
                self.lessons_of[course][done - 1] if done else None,
                _moment(last_access) if last_access else None,
            )

    COMPLETION = (*RECORD, "member_id", "lesson_id", "business_id")

    def completions(self):
        rng = self.random
        number = 0
        for member, course, created, last_access, done in self.progress:
            moments = sorted(rng.randint(created, last_access) for _ in range(done))
            moments[-1] = last_access
            for lesson, moment in zip(self.lessons_of[course], moments, strict=False):
                number += 1
                yield (
                    *self.record(number, moment),
                    member,
                    lesson,
                    self.course_business[course],
                )
        self.completion_count = number
        self.progress = []


# Letters that are not an ASCII letter with marks.
_SPELLED = str.maketrans({"ß": "ss", "ø": "o", "ł": "l", "ı": "i", "đ": "d", "æ": "ae"})


def _mailbox(name):
    """A name as the ASCII an email address accepts: `Søren` is `soren`."""
    plain = unicodedata.normalize("NFKD", name.lower().translate(_SPELLED))
    return "".join(c for c in plain if c.isascii() and c.isalnum())
