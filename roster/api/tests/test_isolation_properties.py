"""Isolation, as properties: whatever roles and businesses an administrator
holds, no record of another business is listed, counted or reachable, and
such a record answers exactly as one that does not exist.

Hypothesis draws the administrator; the records are one of every kind in
each of three businesses. Which business owns a record is read here by
paths of the test's own, not the declarations', so the oracle is
independent of the code under test.
"""

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from roster.accounts.roles import ACTIONS, ENTITIES
from roster.accounts.services import save_administrator
from roster.api.resources import REGISTRY
from roster.api.tests.test_battery import BY_NAME
from roster.businesses.models import Business
from roster.conftest import PASSWORD, Api
from roster.testing import make_site

OWNER_PATH = {
    "Business": "id",
    "Coworker": "invoicing_business_id",
    "Team": "business_id",
    "Course": "business_id",
    "CourseSection": "course__business_id",
    "CourseLesson": "course__business_id",
    "CourseMember": "course__business_id",
    "CourseCompletedLesson": "member__course__business_id",
}
MISSING_ID = 987654321

administrators = st.fixed_dictionaries(
    {
        "entities": st.sets(st.sampled_from(ENTITIES), min_size=1),
        "actions": st.sets(st.sampled_from(ACTIONS), min_size=1),
        "businesses": st.sets(st.sampled_from([0, 1, 2])),
    }
)


def askers(api, spec):
    """Every call that names one record of the resource by its id."""
    path, name = spec.path, spec.name
    return (
        lambda i: api.get(f"{path}/{i}"),
        lambda i: api.put(path, {"Id": i}),
        lambda i: api.delete(f"{path}/{i}"),
        lambda i: api.get(path, {"id": f"[{i}]"}),
        lambda i: api.get(path, {f"{name}_Id": str(i)}),
        lambda i: api.post(f"{path}/runcommand", {"Key": "APPROVE", "Ids": [i]}),
    )


def shown(answer):
    """The answer's body, with the values a refusal repeats back left out."""
    body = answer.json()
    if isinstance(body, dict) and body.get("Errors"):
        body["Errors"] = [{**e, "AttemptedValue": None} for e in body["Errors"]]
    return body


class IsolationProperties(TestCase):
    def setUp(self):
        names = ("North", "South", "East")
        self.businesses = [Business.objects.create(name=f"{n} Hub") for n in names]
        self.sites = [
            make_site(b, n) for b, n in zip(self.businesses, names, strict=True)
        ]

    def clerk(self, drawn):
        roles = [f"{e}-{a}" for e in drawn["entities"] for a in drawn["actions"]]
        held = [self.businesses[i] for i in drawn["businesses"]]
        save_administrator("clerk@example.com", PASSWORD, roles=roles, businesses=held)
        return Api("clerk@example.com"), {b.id for b in held}, set(roles)

    def ids_by_business(self, name):
        model = REGISTRY[name].model
        return dict(model.objects.values_list("id", OWNER_PATH[name]))

    @settings(max_examples=20, deadline=None)
    @given(administrators)
    def test_lists_and_counts_hold_only_the_caller_s_businesses(self, drawn):
        api, held, roles = self.clerk(drawn)

        for name, spec in BY_NAME.items():
            response = api.get(spec.path, {"size": "5000"})
            if f"{name}-List" not in roles:
                assert response.status_code == 403
                continue
            owners = self.ids_by_business(name)
            expected = sorted(i for i, business in owners.items() if business in held)
            body = response.json()
            assert sorted(r["Id"] for r in body["Records"]) == expected, name
            assert body["TotalItems"] == len(expected), name

    @settings(max_examples=20, deadline=None)
    @given(administrators)
    def test_another_business_s_record_answers_as_a_missing_one(self, drawn):
        api, held, roles = self.clerk(drawn)

        for name, spec in BY_NAME.items():
            owners = self.ids_by_business(name)
            foreign = [i for i, business in owners.items() if business not in held]
            for record_id in foreign[:2]:
                for ask in askers(api, spec):
                    foreign_answer, missing_answer = ask(record_id), ask(MISSING_ID)
                    assert foreign_answer.status_code == missing_answer.status_code
                    # A refusal may repeat the id it was given, and only that.
                    assert shown(foreign_answer) == shown(missing_answer), name

    @settings(max_examples=15, deadline=None)
    @given(administrators)
    def test_filters_by_another_business_s_ids_find_nothing(self, drawn):
        api, held, roles = self.clerk(drawn)
        if "CourseMember-List" not in roles:
            return
        outside = [s for s in self.sites if s.business.id not in held]

        for site in outside:
            for name, value in (
                ("CourseMember_Course", site.course.id),
                ("CourseMember_Coworker", site.coworker.id),
                ("CourseMember_LastCompletedLesson", site.lesson.id),
            ):
                response = api.get("/api/content/coursemembers", {name: str(value)})
                assert response.json()["TotalItems"] == 0
