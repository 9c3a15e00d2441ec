"""A realistic demo data set, generated the same way on every machine.

Three businesses run sixty courses; three thousand customers, some of them
companies and many with non-ASCII names, hold fifteen thousand enrolments
spread over two years, with approvals, blocks and progress through the
lessons. The loader writes in bulk for speed: it creates a fresh data set
and is not a way to change records, which goes through the services.
"""

import datetime as dt
import random
import unicodedata

from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from roster.accounts.models import User
from roster.accounts.services import sign_up_customer
from roster.businesses.models import Business
from roster.courses import progress, services
from roster.courses.models import (
    CompletionType,
    Course,
    CourseCompletedLesson,
    CourseLesson,
    CourseMember,
    CourseSection,
    UnlockType,
    Visibility,
)
from roster.customers.models import Coworker, CoworkerType, Team

SEED = 20261203
MEMBER_EMAIL = "member@example.com"
MEMBER_PASSWORD = "roster-demo"
BATCH = 2000

BUSINESSES = [
    ("Harbour Street Hub", "Cork", "T12 X2Y4"),
    ("Atelier Lumière", "Lyon", "69002"),
    ("Nordhavn Værksted", "København", "2150"),
]
FIRST_NAMES = (
    "Ana Zoë José Søren Łukasz Amélie Björn Chloé Dmitri Émile Fatima Grace "
    "Hiroshi Inès Jürgen Kateřina Liam María Noël Oğuz Priya Quentin Renée "
    "Siobhán Tomás Ugo Verónica Wojciech Xóchitl Yusuf Zsófia Aiden Bea Carl "
    "Dana Ethan Freya Gustav Hana Ivan Jonas Kemal Lena Mateo Nora Olivia"
).split()
LAST_NAMES = (
    "Smith Müller García Nguyễn O'Brien Dvořák Øvergaard Kowalski Rossi "
    "Fernández Johansson Öztürk Dubois Novák Murphy Schäfer Sánchez Larsen "
    "Hughes Ferreira Jansen Wójcik Petersen Kelly Brennan Moreau Horváth "
    "Andersson Thompson Peña Lefèvre Nakamura Patel Costa Byrne Fischer"
).split()
COMPANY_WORDS = (
    "Acme Nordlys Lumière Forge Brightwater Kraków Cedar Ørsted Atlas Fjord "
    "Meridian Café Quill Harbour Zenith Bramble Über Copper Tern Saffron"
).split()
COMPANY_KINDS = ["Ltd", "GmbH", "SARL", "ApS", "& Co.", "Studio", "Labs", "Partners"]
TEAM_NAMES = [
    "Ops",
    "DevOps",
    "Design",
    "Marketing",
    "Sales",
    "Finance",
    "Community",
    "Événements",
    "Front Desk",
    "Growth",
]
COURSE_TOPICS = [
    "Member onboarding",
    "Fire safety",
    "Meeting-room etiquette",
    "Printing and scanning",
    "Community programme",
    "Pitch practice",
    "Bookkeeping basics",
    "Photography for makers",
    "Français des affaires",
    "Public speaking",
    "Data protection",
    "Mindful work",
    "Laser cutter induction",
    "Podcast studio",
    "Café barista skills",
    "Start-up finance",
    "Dansk for begyndere",
    "Accessibility at work",
    "First aid",
    "Design sprints",
]
LESSON_WORDS = [
    "Welcome",
    "Getting started",
    "Core ideas",
    "A worked example",
    "Practice",
    "Common mistakes",
    "Going further",
    "Quiz",
    "Résumé",
    "Next steps",
]


def load(*, courses=60, customers=3000, enrolments=15000, progress=True):
    """Create the demo data set in one transaction; return what was made."""
    random_ = random.Random(SEED)
    now = timezone.now().replace(microsecond=0)
    with transaction.atomic():
        businesses = _businesses()
        coworkers = _customers(random_, businesses, customers, now, progress)
        _teams(random_, businesses, coworkers)
        lessons = _courses(random_, businesses, coworkers, courses, now)
        members = _enrolments(random_, lessons, coworkers, enrolments, now, progress)
    return {
        "businesses": len(businesses),
        "courses": len(lessons),
        "customers": len(coworkers),
        "enrolments": members,
    }


def _bulk(model, objects, progress=False, label=""):
    for record in objects:
        record.refresh_search_columns()
    bar = tqdm(total=len(objects), desc=label, unit=" rows", disable=not progress)
    created = []
    for start in range(0, len(objects), BATCH):
        chunk = objects[start : start + BATCH]
        created.extend(model.objects.bulk_create(chunk))
        bar.update(len(chunk))
    bar.close()
    return created


def _businesses():
    return _bulk(
        Business,
        [
            Business(
                name=name,
                city=city,
                postcode=postcode,
                email=f"hello@{name.split()[0].lower()}.example",
                updated_by="demo@roster.local",
            )
            for name, city, postcode in BUSINESSES
        ],
    )


def _created(random_, now, days=730):
    return now - dt.timedelta(seconds=random_.randrange(days * 86400))


def _customers(random_, businesses, count, now, progress):
    coworkers = []
    for number in range(count):
        first, last = random_.choice(FIRST_NAMES), random_.choice(LAST_NAMES)
        company = None
        kind = CoworkerType.INDIVIDUAL
        if random_.random() < 0.45:
            company = f"{random_.choice(COMPANY_WORDS)} {random_.choice(COMPANY_KINDS)}"
            kind = CoworkerType.COMPANY if random_.random() < 0.3 else kind
        created = _created(random_, now, 900)
        coworkers.append(
            Coworker(
                coworker_type=kind,
                full_name=f"{first} {last}",
                email=f"{_ascii(first)}.{_ascii(last)}.{number}@example.com",
                company_name=company,
                billing_name=company or f"{first} {last}",
                invoicing_business=businesses[number % len(businesses)],
                created_on=created,
                updated_on=created,
                updated_by="demo@roster.local",
            )
        )
    return _bulk(Coworker, coworkers, progress, "Customers")


# Letters that lose no accent under NFKD, spelled as their languages do.
_SPELLED = str.maketrans({"ł": "l", "ø": "o", "æ": "ae", "ß": "ss", "'": ""})


def _ascii(name):
    """A name as an email address spells it: lower case, without accents.

    The API refuses addresses whose local part is not ASCII, so the demo's
    customers can be written back exactly as they are read.
    """
    spelled = unicodedata.normalize("NFKD", name.lower().translate(_SPELLED))
    return spelled.encode("ascii", "ignore").decode()


def _teams(random_, businesses, coworkers):
    for business in businesses:
        teams = _bulk(
            Team,
            [
                Team(business=business, name=name, updated_by="demo@roster.local")
                for name in TEAM_NAMES
            ],
        )
        local = [c for c in coworkers if c.invoicing_business_id == business.pk]
        links = []
        for coworker in local:
            for team in random_.sample(teams, random_.choice([0, 0, 1, 1, 1, 2, 3])):
                links.append(Team.members.through(team=team, coworker=coworker))
        Team.members.through.objects.bulk_create(links, batch_size=BATCH)


def _courses(random_, businesses, coworkers, count, now):
    """Create the courses with sections and lessons; map course to lessons."""
    lessons_of = {}
    local = {
        business.pk: [c for c in coworkers if c.invoicing_business_id == business.pk]
        for business in businesses
    }
    for number in range(count):
        business = businesses[number % len(businesses)]
        topic = COURSE_TOPICS[number % len(COURSE_TOPICS)]
        created = _created(random_, now)
        course = Course(
            business=business,
            title=f"{topic} {number // len(COURSE_TOPICS) + 1}",
            summary_text=f"A short course on {topic.lower()}.",
            visibility=random_.choice(list(Visibility)),
            display_order=number,
            active=random_.random() > 0.1,
            # A host is a customer of the course's own business.
            host=random_.choice(local[business.pk]) if random_.random() < 0.3 else None,
            created_on=created,
            updated_on=created,
            updated_by="demo@roster.local",
        )
        course.refresh_search_columns()
        course.save()
        lessons_of[course] = _lessons(random_, course)
    return lessons_of


def _lessons(random_, course):
    lessons = []
    for section_order in range(random_.randint(1, 3)):
        section = CourseSection(
            course=course,
            title=f"Part {section_order + 1}",
            display_order=section_order,
            updated_by="demo@roster.local",
        )
        section.save()
        for order in range(random_.randint(2, 5)):
            lessons.append(
                CourseLesson(
                    course=course,
                    section=section,
                    title=random_.choice(LESSON_WORDS),
                    display_order=order,
                    unlock_type=random_.choice(
                        [UnlockType.IMMEDIATE] * 3 + [UnlockType.SEQUENTIAL]
                    ),
                    completion_type=random_.choice(
                        [CompletionType.BUTTON] * 3
                        + [CompletionType.VISITED, CompletionType.VIDEO]
                    ),
                    lesson_contents="<p>Lesson text.</p>",
                    updated_by="demo@roster.local",
                )
            )
    return _bulk(CourseLesson, lessons)


def _enrolments(random_, lessons_of, coworkers, count, now, progress):
    """Enrol customers in their business's courses, popular courses more.

    Progress is consistent: a member has completed the first lessons of its
    course in order, its last completion is LastCompletedLesson, and
    LastAccess is no earlier than that completion.
    """
    courses = list(lessons_of)
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(courses))]
    local = {}
    for coworker in coworkers:
        local.setdefault(coworker.invoicing_business_id, []).append(coworker)
    capacity = sum(len(local.get(course.business_id, ())) for course in courses)
    if count > capacity:
        raise ValueError(f"{count} enrolments do not fit: at most {capacity}.")
    pairs = set()
    while len(pairs) < count:
        course = random_.choices(courses, weights)[0]
        pairs.add((course, random_.choice(local[course.business_id])))

    members, progress_of = [], []
    for course, coworker in sorted(pairs, key=lambda p: (p[0].pk, p[1].pk)):
        member, done = _member(random_, course, coworker, lessons_of[course], now)
        members.append(member)
        progress_of.append(done)
    members = _bulk(CourseMember, members, progress, "Enrolments")

    completions = [
        CourseCompletedLesson(
            member=member,
            lesson=lesson,
            business_id=member.business_id,
            created_on=moment,
            updated_on=moment,
            updated_by="demo@roster.local",
        )
        for member, done in zip(members, progress_of, strict=True)
        for lesson, moment in done
    ]
    _bulk(CourseCompletedLesson, completions, progress, "Completed lessons")
    return len(members)


def _member(random_, course, coworker, lessons, now):
    created = max(_created(random_, now), course.created_on)
    approved = random_.random() < 0.8
    blocked = random_.random() < 0.05
    done = []
    last_access = None
    if approved and random_.random() > 0.3:
        moment = created
        for lesson in lessons[: random_.randint(0, len(lessons))]:
            moment += dt.timedelta(minutes=random_.randint(5, 60 * 24 * 10))
            if moment > now:
                break
            done.append((lesson, moment))
        last_access = min(now, moment + dt.timedelta(minutes=random_.randint(0, 600)))
    member = CourseMember(
        course=course,
        coworker=coworker,
        business_id=course.business_id,
        approved=approved,
        approved_on=created if approved else None,
        blocked=blocked,
        last_completed_lesson=done[-1][0] if done else None,
        last_access=last_access,
        created_on=created,
        updated_on=last_access or created,
        updated_by="demo@roster.local",
    )
    return member, done


def member_login(email=MEMBER_EMAIL, password=MEMBER_PASSWORD):
    """The demo customer's login, made once through the services.

    Its customer belongs to the first business and is enrolled in a few of
    its courses: approved in a Public one with two lessons completed,
    approved in another with none, and waiting in a Private one.
    """
    user = User.objects.with_email(email).first()
    if user is None:
        business = Business.objects.filter(suspended=False).order_by("id").first()
        user = sign_up_customer(business, "Robin Demo", email, password)
    coworker = user.coworker
    if coworker.enrolments.exists():
        return user

    courses = list(
        Course.objects.filter(business=coworker.invoicing_business, active=True)
        .filter(lessons__active=True)
        .distinct()
        .order_by("display_order", "id")
    )
    public = [c for c in courses if c.visibility == Visibility.PUBLIC]
    private = [c for c in courses if c.visibility == Visibility.PRIVATE]
    for course in [*public[:2], *private[:1]]:
        services.sign_up(course, coworker, email)
    if public:
        _complete_some(public[0], coworker, email, 2)
    return user


def _complete_some(course, coworker, actor, count):
    """Complete the first `count` lessons a member can, in the lesson order."""
    member = CourseMember.objects.get(course=course, coworker=coworker)
    for _ in range(count):
        states = progress.lesson_states(course, member)
        todo = [s for s in states if s.open and s.trackable and not s.completed]
        if not todo:
            return
        services.complete_open_lesson(member, todo[0].lesson, actor)
