"""Role names: `{Entity}-{Action}` for every entity of the API."""

ENTITIES = (
    "CourseMember",
    "Course",
    "CourseSection",
    "CourseLesson",
    "CourseCompletedLesson",
    "Coworker",
    "Team",
    "Business",
)
ACTIONS = ("List", "Read", "Create", "Edit", "Delete")
ALL_ROLES = frozenset(f"{entity}-{action}" for entity in ENTITIES for action in ACTIONS)


def role(entity, action):
    return f"{entity}-{action}"
