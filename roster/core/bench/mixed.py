"""Reads with writes among them, checking that counts stay exact.

While wrk sends the searches, a writer thread enrols customers, approves
and unapproves members, records completed lessons and unenrols, through the
ORM, at a steady rate. Every few seconds the checker pauses the writer,
so that the data holds still, and compares what the API answers with the
reference queries. At the end the writer undoes its changes, so the data
set can be reused.
"""

import random
import threading
from collections import Counter

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from roster.core.bench.workloads import ADMIN, Variant, reference
from roster.courses.models import CourseCompletedLesson, CourseLesson, CourseMember
from roster.customers.models import Coworker

MARK = "bench-mixed"
WRITER = "mixed@roster.bench"


class Writer(threading.Thread):
    """Changes enrolments until stopped, one for every 19 reads answered.

    `reads()` tells how many reads have been answered so far, so that the
    writes stay 5% of all requests however fast the reads go.
    """

    KINDS = ("enrol",) * 7 + ("approval",) * 5 + ("completion",) * 5 + ("unenrol",) * 3

    def __init__(self, reads, lock, seed=7):
        super().__init__(daemon=True)
        self.reads = reads
        self.lock = lock
        self.random = random.Random(seed)
        self.stopping = threading.Event()
        self.done = Counter()
        self.enrolled = []
        self.errors = []
        self.last_course = None
        self._load()

    def _load(self):
        members = CourseMember.objects.order_by("-id").values_list("id", flat=True)
        self.highest = members.first() or 0
        self.courses = list(
            CourseLesson.objects.values_list("course_id", "course__business_id")
            .order_by("course_id")
            .distinct()
        )
        self.customers_of = {}
        for pk, business in Coworker.objects.values_list("id", "invoicing_business_id"):
            self.customers_of.setdefault(business, []).append(pk)
        self.lessons_of = {}
        lessons = CourseLesson.objects.order_by(
            "course_id", "section__display_order", "display_order", "id"
        )
        for course, lesson in lessons.values_list("course_id", "id"):
            self.lessons_of.setdefault(course, []).append(lesson)

    def run(self):
        try:
            while not self.stopping.is_set():
                if sum(self.done.values()) * 19 >= self.reads():
                    self.stopping.wait(0.005)
                    continue
                kind = self.random.choice(self.KINDS)
                with self.lock:
                    getattr(self, kind)()
                self.done[kind] += 1
        except Exception as error:  # reported with the results
            self.errors.append(repr(error))
        finally:
            connection.close()

    def stop(self):
        self.stopping.set()
        self.join()

    def enrol(self):
        course, business = self.random.choice(self.courses)
        for _ in range(10):
            customer = self.random.choice(self.customers_of[business])
            try:
                with transaction.atomic():
                    member = CourseMember.objects.create(
                        course_id=course,
                        coworker_id=customer,
                        business_id=business,
                        system_id=MARK,
                        updated_by=WRITER,
                    )
            except IntegrityError:
                continue
            self.enrolled.append(member.pk)
            self.last_course = course
            return

    def approval(self):
        pk = self.random.randint(1, self.highest)
        members = CourseMember.objects.filter(pk=pk)
        row = members.values("approved", "approved_on", "updated_on").first()
        if row is None:
            return
        now = timezone.now()
        with transaction.atomic():
            _keep_original(pk)
            members.update(
                approved=not row["approved"],
                approved_on=row["approved_on"] or now,
                updated_on=now,
            )

    def completion(self):
        if not self.enrolled:
            return self.enrol()
        member = CourseMember.objects.get(pk=self.random.choice(self.enrolled))
        done = set(
            CourseCompletedLesson.objects.filter(member=member).values_list(
                "lesson_id", flat=True
            )
        )
        remaining = [x for x in self.lessons_of[member.course_id] if x not in done]
        if not remaining:
            return
        now = timezone.now()
        with transaction.atomic():
            CourseCompletedLesson.objects.create(
                member=member,
                lesson_id=remaining[0],
                business_id=member.business_id,
                updated_by=WRITER,
            )
            member.approved = True
            member.approved_on = member.approved_on or now
            member.last_completed_lesson_id = remaining[0]
            member.last_access = now
            member.updated_on = now
            member.save()

    def unenrol(self):
        if not self.enrolled:
            return self.enrol()
        pk = self.enrolled.pop(self.random.randrange(len(self.enrolled)))
        CourseMember.objects.filter(pk=pk).delete()

    def undo(self):
        undo()
        connection.close()


# The approvals a mixed run changed, as they were, kept in the database so
# that the next run can restore them if this one is stopped before its undo.
ORIGINALS = "roster_bench_original_approvals"
COLUMNS = ("approved", "approved_on", "updated_on")


def _originals_table(cursor):
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {ORIGINALS} (member_id bigint PRIMARY KEY, "
        "approved boolean NOT NULL, approved_on timestamptz, "
        "updated_on timestamptz NOT NULL)"
    )


def _keep_original(pk):
    table = CourseMember._meta.db_table
    columns = ", ".join(COLUMNS)
    with connection.cursor() as cursor:
        _originals_table(cursor)
        cursor.execute(
            f"INSERT INTO {ORIGINALS} (member_id, {columns}) "
            f'SELECT id, {columns} FROM "{table}" WHERE id = %s '
            "ON CONFLICT (member_id) DO NOTHING",
            [pk],
        )


def undo():
    """Remove a mixed run's enrolments and restore the approvals it changed.

    Returns how many records it put back; a stopped run leaves them for
    the next run to undo.
    """
    table = CourseMember._meta.db_table
    settings = ", ".join(f"{c} = o.{c}" for c in COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        _originals_table(cursor)
        cursor.execute(
            f'UPDATE "{table}" AS m SET {settings} FROM {ORIGINALS} AS o '
            "WHERE m.id = o.member_id"
        )
        restored = cursor.rowcount
        cursor.execute(f"DELETE FROM {ORIGINALS}")
        deleted, _ = CourseMember.objects.filter(system_id=MARK).delete()
    return restored + deleted


def checks(workloads):
    """The searches whose totals writes change: one variant per workload."""
    chosen = []
    for workload in workloads:
        if workload.key != "W7":
            chosen.append((workload.who, workload.variants[0]))
    return chosen


def compare(server, tokens, who_variants, businesses_of):
    """Ask the API and the reference; return the differences found."""
    differences = []
    for who, variant in who_variants:
        body = server.get(variant.path(), tokens[who])
        ids, total = reference(variant, businesses_of[who])
        got = [record["Id"] for record in body["Records"]]
        if body["TotalItems"] != total or got != ids:
            differences.append(
                {
                    "path": variant.path(),
                    "who": who,
                    "api_total": body["TotalItems"],
                    "reference_total": total,
                    "same_ids": got == ids,
                }
            )
    return differences


def course_check(course):
    return (ADMIN, Variant({"CourseMember_Course": course}, {"course_id": course}))
