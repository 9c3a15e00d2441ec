"""The customers and courses the portal tests speak of."""

from types import SimpleNamespace

import pytest
from django.test import Client

from roster.accounts.models import User
from roster.conftest import PASSWORD, Api
from roster.courses.models import CompletionType, UnlockType, Visibility
from roster.testing import make_course, make_customer, make_lesson


def customer_login(coworker, password=PASSWORD):
    """A portal login for a customer, with the shared test password."""
    user = User(email=coworker.email, coworker=coworker)
    user.set_password(password)
    user.save()
    return user


@pytest.fixture
def campus(north, south):
    """North Hub's courses, one of each visibility, and Ana, its customer.

    | course   | visibility | active | lessons                             |
    |----------|------------|--------|-------------------------------------|
    | python   | Public     | yes    | Variables, Loops (Sequential), Quiz |
    | secret   | Hidden     | yes    | Clue                                |
    | private  | Private    | yes    | Intro, Practice (Sequential)        |
    | paid     | Paid       | yes    | Paid lesson                         |
    | closed   | Public     | no     | Old lesson                          |
    | elsewhere| Public     | yes    | (South Hub)                         |
    """
    c = SimpleNamespace(north=north, south=south)
    c.python = make_course(north, "Python Basics", summary_text="Learn Python.")
    c.variables = make_lesson(c.python, "Variables", display_order=1)
    c.loops = make_lesson(
        c.python, "Loops", display_order=2, unlock_type=UnlockType.SEQUENTIAL
    )
    c.quiz = make_lesson(
        c.python,
        "Quiz",
        display_order=3,
        completion_type=CompletionType.VISITED,
        lesson_contents="<p>Quiz time.</p>",
    )
    c.secret = make_course(north, "Secret Garden", visibility=Visibility.HIDDEN)
    c.clue = make_lesson(c.secret, "Clue")
    c.private = make_course(north, "Private Pottery", visibility=Visibility.PRIVATE)
    c.intro = make_lesson(c.private, "Intro", display_order=1)
    c.practice = make_lesson(
        c.private, "Practice", display_order=2, unlock_type=UnlockType.SEQUENTIAL
    )
    c.paid = make_course(north, "Paid Masterclass", visibility=Visibility.PAID)
    c.paid_lesson = make_lesson(c.paid, "Paid lesson")
    c.closed = make_course(north, "Closed Course", active=False)
    make_lesson(c.closed, "Old lesson")
    c.elsewhere = make_course(south, "Sourdough Starter")
    c.ana = make_customer(north, "Ana Smith")
    c.ana_login = customer_login(c.ana)
    return c


@pytest.fixture
def browser_of(db):
    """A test client signed in to the portal as the given customer."""

    def sign_in(coworker):
        client = Client()
        response = client.post(
            "/portal/login/", {"email": coworker.email, "password": PASSWORD}
        )
        assert response.status_code == 302, response.content
        return client

    return sign_in


@pytest.fixture
def ana(campus, browser_of):
    return browser_of(campus.ana)


@pytest.fixture
def ana_api(campus):
    return Api(campus.ana.email)
