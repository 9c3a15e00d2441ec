"""The members the CourseMember search tests speak of."""

import uuid
from types import SimpleNamespace

import pytest

from roster.customers.models import CoworkerType
from roster.testing import (
    enrol,
    make_course,
    make_customer,
    make_lesson,
    make_team,
    utc,
)


@pytest.fixture
def roll(north, south):
    """Five enrolments, four in North Hub and one in South Hub.

    Created in this order, so their ids ascend the same way:

    | member            | type       | company          | billing          |
    |-------------------|------------|------------------|------------------|
    | ana_in_python     | Individual | null             | "Ana Smith"      |
    | lena_in_python    | Company    | "Straße & Söhne" | "Payables_North" |
    | omar_in_python    | Company    | "100% Organic"   | "Haddad\\Omar"    |
    | zoe_in_pottery    | Individual | "Route 101"      | "Accounts North" |
    | sven_in_sourdough | Individual | null             | null             |

    | member  | teams              | approved | blocked | last access         |
    |---------|--------------------|----------|---------|---------------------|
    | ana     | Ops North          | yes      | no      | 2025-03-10 10:30:15 |
    | lena    | Design, Ops South  | yes      | yes     | 2025-03-10 10:31:00 |
    | omar    |                    | no       | no      | never               |
    | zoe     | Design             | no       | no      | 2025-03-11 08:00:00 |
    | sven    | Bakers             | yes      | no      | 2025-03-09 23:59:59 |
    """
    r = SimpleNamespace()
    r.python = make_course(north, "Python Basics")
    r.pottery = make_course(north, "Pottery Wheel")
    r.sourdough = make_course(south, "Sourdough Starter")
    r.variables = make_lesson(r.python, "Variables")
    r.loops = make_lesson(r.python, "Loops")
    r.glazing = make_lesson(r.pottery, "Glazing")

    ops_north = make_team(north, "Ops North")
    ops_south = make_team(north, "Ops South")
    design = make_team(north, "Design")
    bakers = make_team(south, "Bakers")

    r.ana = make_customer(
        north, "Ana Smith", billing_name="Ana Smith", teams=[ops_north]
    )
    r.lena = make_customer(
        north,
        "Lena Straße",
        coworker_type=CoworkerType.COMPANY,
        company_name="Straße & Söhne",
        billing_name="Payables_North",
        teams=[ops_south, design],
    )
    r.omar = make_customer(
        north,
        "Omar Haddad",
        coworker_type=CoworkerType.COMPANY,
        company_name="100% Organic",
        billing_name="Haddad\\Omar",
    )
    r.zoe = make_customer(
        north,
        "Zoë Quinn",
        company_name="Route 101",
        billing_name="Accounts North",
        teams=[design],
    )
    r.sven = make_customer(south, "Sven Berg", teams=[bakers])

    r.ana_in_python = enrol(
        r.python,
        r.ana,
        approved=True,
        last_access=utc("2025-03-10T10:30:15"),
        last_completed_lesson=r.variables,
        system_id="crm-001",
        unique_id=uuid.UUID("5a0e0000-0000-4000-8000-00000000a1a1"),
        updated_by="admin@example.com",
        created_on=utc("2025-01-05T09:00"),
        updated_on=utc("2025-02-01T12:00"),
    )
    r.lena_in_python = enrol(
        r.python,
        r.lena,
        approved=True,
        blocked=True,
        last_access=utc("2025-03-10T10:31:00"),
        last_completed_lesson=r.loops,
        system_id="crm-002",
        unique_id=uuid.UUID("1e4a0000-0000-4000-8000-00000000b2b2"),
        updated_by="ops@example.com",
        created_on=utc("2025-01-06T09:00"),
        updated_on=utc("2025-02-03T12:00"),
    )
    r.omar_in_python = enrol(
        r.python,
        r.omar,
        unique_id=uuid.UUID("0a1a0000-0000-4000-8000-00000000c3c3"),
        created_on=utc("2025-01-07T09:00"),
        updated_on=utc("2025-02-02T12:00"),
    )
    r.zoe_in_pottery = enrol(
        r.pottery,
        r.zoe,
        last_access=utc("2025-03-11T08:00"),
        last_completed_lesson=r.glazing,
        system_id="erp-7",
        unique_id=uuid.UUID("f00d0000-0000-4000-8000-00000000d4d4"),
        updated_by="admin@example.com",
        created_on=utc("2025-01-05T18:30"),
        updated_on=utc("2025-02-01T12:00"),
    )
    r.sven_in_sourdough = enrol(
        r.sourdough,
        r.sven,
        approved=True,
        last_access=utc("2025-03-09T23:59:59"),
        unique_id=uuid.UUID("c0de0000-0000-4000-8000-00000000e5e5"),
        updated_by="ops@example.com",
        created_on=utc("2025-01-04T09:00"),
        updated_on=utc("2025-02-04T12:00"),
    )
    return r
