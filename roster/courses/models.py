from django.db import models
from django.db.models import F

from roster.core.models import Record


class Visibility(models.IntegerChoices):
    PUBLIC = 1, "Public"
    HIDDEN = 2, "Hidden"
    PRIVATE = 3, "Private"
    PAID = 4, "Paid"


class UnlockType(models.IntegerChoices):
    IMMEDIATE = 1, "Immediate"
    SEQUENTIAL = 2, "Sequential"
    TIMED = 3, "Timed"


class CompletionType(models.IntegerChoices):
    NONE = 1, "None"
    VISITED = 2, "Visited"
    BUTTON = 3, "Button"
    VIDEO = 4, "Video"


class Course(Record):
    """A course a business runs; customers enrol in it as members.

    Public and Hidden courses approve a sign-up at once, Private and Paid
    ones wait for an administrator.
    """

    SEARCHABLE = Record.SEARCHABLE + (
        "title",
        "summary_text",
        "full_description",
        "overview_text",
        "group_name",
        "image_file_name",
    )

    business = models.ForeignKey(
        "businesses.Business", on_delete=models.PROTECT, related_name="courses"
    )
    host = models.ForeignKey(
        "customers.Coworker",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_courses",
    )
    title = models.CharField(max_length=200)
    title_search = models.CharField(max_length=200, default="", editable=False)
    summary_text = models.TextField(blank=True, default="")
    summary_text_search = models.TextField(default="", editable=False)
    full_description = models.TextField(blank=True, default="")
    full_description_search = models.TextField(default="", editable=False)
    overview_text = models.TextField(blank=True, default="")
    overview_text_search = models.TextField(default="", editable=False)
    show_overview = models.BooleanField(default=False)
    has_community_group = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    group_name = models.CharField(max_length=200, blank=True, default="")
    group_name_search = models.CharField(max_length=200, default="", editable=False)
    display_order = models.IntegerField(default=0)
    show_in_home_page = models.BooleanField(default=False)
    visibility = models.PositiveSmallIntegerField(
        choices=Visibility.choices, default=Visibility.PUBLIC
    )
    image_file_name = models.CharField(max_length=255, null=True, blank=True)
    image_file_name_search = models.CharField(
        max_length=255, default="", editable=False
    )

    class Meta:
        indexes = [models.Index(fields=["title", "id"])]

    def __str__(self):
        return self.title


class CourseSection(Record):
    """A titled group of a course's lessons, with its own unlock rule."""

    SEARCHABLE = Record.SEARCHABLE + ("title", "section_contents")

    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="sections"
    )
    title = models.CharField(max_length=200)
    title_search = models.CharField(max_length=200, default="", editable=False)
    section_contents = models.TextField(blank=True, default="")
    section_contents_search = models.TextField(default="", editable=False)
    active = models.BooleanField(default=True)
    display_order = models.IntegerField(default=0)
    unlock_type = models.PositiveSmallIntegerField(
        choices=UnlockType.choices, default=UnlockType.IMMEDIATE
    )
    unlock_after_days = models.PositiveIntegerField(default=0)

    def __str__(self):
        return self.title


class LessonQuerySet(models.QuerySet):
    def in_order(self):
        """The one lesson order: section's DisplayOrder, own, then Id.

        Lessons outside any section come after the sectioned ones.
        """
        return self.order_by(
            F("section__display_order").asc(nulls_last=True),
            "section_id",
            "display_order",
            "id",
        )

    def trackable(self):
        """The lessons progress counts: active, completable, section active."""
        return (
            self.filter(active=True)
            .exclude(completion_type=CompletionType.NONE)
            .exclude(section__active=False)
        )


class CourseLesson(Record):
    """One lesson of a course, optionally inside a section.

    Lessons are ordered by their section's display order, then their own,
    then Id, with lessons outside any section last.
    """

    SEARCHABLE = Record.SEARCHABLE + ("title", "summary_text", "lesson_contents")

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="lessons")
    section = models.ForeignKey(
        CourseSection,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lessons",
    )
    title = models.CharField(max_length=200)
    title_search = models.CharField(max_length=200, default="", editable=False)
    summary_text = models.TextField(blank=True, default="")
    summary_text_search = models.TextField(default="", editable=False)
    lesson_contents = models.TextField(blank=True, default="")
    lesson_contents_search = models.TextField(default="", editable=False)
    active = models.BooleanField(default=True)
    display_order = models.IntegerField(default=0)
    unlock_type = models.PositiveSmallIntegerField(
        choices=UnlockType.choices, default=UnlockType.IMMEDIATE
    )
    unlock_after_days = models.PositiveIntegerField(default=0)
    completion_type = models.PositiveSmallIntegerField(
        choices=CompletionType.choices, default=CompletionType.BUTTON
    )

    objects = LessonQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["title", "id"])]

    def __str__(self):
        return self.title


class CourseMember(Record):
    """A customer's enrolment in a course.

    A customer is enrolled in a course at most once. The member sees lesson
    content only while approved and not blocked. The business is the
    course's, copied here so that per-business scoping and counting need no
    join.
    """

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="members")
    coworker = models.ForeignKey(
        "customers.Coworker", on_delete=models.PROTECT, related_name="enrolments"
    )
    business = models.ForeignKey(
        "businesses.Business", on_delete=models.PROTECT, related_name="+"
    )
    approved = models.BooleanField(default=False)
    blocked = models.BooleanField(default=False)
    # When the enrolment was first approved: Timed lessons count from here.
    approved_on = models.DateTimeField(null=True, blank=True)
    last_completed_lesson = models.ForeignKey(
        CourseLesson,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_access = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["course", "coworker"], name="one_enrolment_per_course"
            )
        ]
        indexes = [
            models.Index(fields=["business", "id"]),
            models.Index(fields=["course", "id"]),
            models.Index(fields=["last_access", "id"]),
            models.Index(fields=["approved", "id"]),
            models.Index(fields=["blocked", "id"]),
            models.Index(fields=["updated_by", "id"]),
            models.Index(fields=["system_id", "id"]),
        ]

    def __str__(self):
        return f"{self.coworker} in {self.course}"


class CourseCompletedLesson(Record):
    """A lesson a member has completed; at most once per lesson and member."""

    member = models.ForeignKey(
        CourseMember, on_delete=models.CASCADE, related_name="completed_lessons"
    )
    lesson = models.ForeignKey(
        CourseLesson, on_delete=models.CASCADE, related_name="completions"
    )
    business = models.ForeignKey(
        "businesses.Business", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "lesson"], name="one_completion_per_lesson"
            )
        ]
