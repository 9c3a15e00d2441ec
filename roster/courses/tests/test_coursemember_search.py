"""`GET /api/content/coursemembers`: the paged search of CourseMember records.

The members searched are those of the `roll` fixture; the tables name the
customers each query must find, in the order the answer must give them.
"""

import pytest

from roster.testing import (
    PAGE_RULE,
    SEARCH,
    SIZE_RULE,
    SORTABLE,
    envelope,
    full_names,
    invalid,
    make_team,
    search_queries,
)

ANA, LENA, OMAR, ZOE, SVEN = (
    "Ana Smith",
    "Lena Straße",
    "Omar Haddad",
    "Zoë Quinn",
    "Sven Berg",
)
EVERYONE = [ANA, LENA, OMAR, ZOE, SVEN]

ENVELOPE_KEYS = [
    "Records",
    "CurrentPageSize",
    "CurrentPage",
    "CurrentOrderField",
    "CurrentSortDirection",
    "FirstItem",
    "HasNextPage",
    "HasPreviousPage",
    "LastItem",
    "PageNumber",
    "PageSize",
    "TotalItems",
    "TotalPages",
]
RECORD_KEYS = [
    "CourseId",
    "CourseTitle",
    "CoworkerId",
    "CoworkerCoworkerType",
    "CoworkerFullName",
    "CoworkerCompanyName",
    "CoworkerTeamNames",
    "CoworkerBillingName",
    "LastCompletedLessonId",
    "LastCompletedLessonTitle",
    "LastAccess",
    "Approved",
    "Blocked",
    "Id",
    "UpdatedOn",
    "CreatedOn",
    "UniqueId",
    "UpdatedBy",
    "IsNew",
    "SystemId",
    "ToStringText",
    "LocalizationDetails",
    "CustomFields",
]
DATE_FORMS = (
    "a date (YYYY-MM-DD) or a time (YYYY-MM-DDTHH:mm, UTC unless an offset follows)"
)


def ask(api, roll, params, path=SEARCH):
    """Search with values that may name records of the roll: "{python.id}"."""
    query = {
        name: [v.format_map(vars(roll)) for v in value]
        if isinstance(value, list)
        else value.format_map(vars(roll))
        for name, value in params.items()
    }
    return api.get(path, query)


def spellings(name, values, expected):
    return [
        pytest.param({name: value}, expected, id=f"{name}={value}") for value in values
    ]


# Records


def test_a_record_has_every_key_in_the_seed_order(admin, roll):
    response = ask(admin, roll, {"CourseMember_Id": "{ana_in_python.id}"})

    assert response.status_code == 200
    [record] = response.json()["Records"]
    assert list(record) == RECORD_KEYS
    assert record == {
        "CourseId": roll.python.id,
        "CourseTitle": "Python Basics",
        "CoworkerId": roll.ana.id,
        "CoworkerCoworkerType": "Individual",
        "CoworkerFullName": "Ana Smith",
        "CoworkerCompanyName": None,
        "CoworkerTeamNames": "Ops North",
        "CoworkerBillingName": "Ana Smith",
        "LastCompletedLessonId": roll.variables.id,
        "LastCompletedLessonTitle": "Variables",
        "LastAccess": "2025-03-10T10:30:15Z",
        "Approved": True,
        "Blocked": False,
        "Id": roll.ana_in_python.id,
        "UpdatedOn": "2025-02-01T12:00:00Z",
        "CreatedOn": "2025-01-05T09:00:00Z",
        "UniqueId": "5a0e0000-0000-4000-8000-00000000a1a1",
        "UpdatedBy": "admin@example.com",
        "IsNew": False,
        "SystemId": "crm-001",
        "ToStringText": "Ana Smith (Python Basics)",
        "LocalizationDetails": None,
        "CustomFields": None,
    }


def test_a_company_in_several_teams_lists_them_sorted(admin, roll):
    response = ask(admin, roll, {"CourseMember_Id": "{lena_in_python.id}"})

    [record] = response.json()["Records"]
    assert {key: record[key] for key in RECORD_KEYS[:13]} == {
        "CourseId": roll.python.id,
        "CourseTitle": "Python Basics",
        "CoworkerId": roll.lena.id,
        "CoworkerCoworkerType": "Company",
        "CoworkerFullName": "Lena Straße",
        "CoworkerCompanyName": "Straße & Söhne",
        "CoworkerTeamNames": "Design, Ops South",
        "CoworkerBillingName": "Payables_North",
        "LastCompletedLessonId": roll.loops.id,
        "LastCompletedLessonTitle": "Loops",
        "LastAccess": "2025-03-10T10:31:00Z",
        "Approved": True,
        "Blocked": True,
    }


def test_a_member_with_nothing_optional_set_has_nulls(admin, roll):
    response = ask(admin, roll, {"CourseMember_Id": "{omar_in_python.id}"})

    [record] = response.json()["Records"]
    assert record == {
        "CourseId": roll.python.id,
        "CourseTitle": "Python Basics",
        "CoworkerId": roll.omar.id,
        "CoworkerCoworkerType": "Company",
        "CoworkerFullName": "Omar Haddad",
        "CoworkerCompanyName": "100% Organic",
        "CoworkerTeamNames": None,
        "CoworkerBillingName": "Haddad\\Omar",
        "LastCompletedLessonId": None,
        "LastCompletedLessonTitle": None,
        "LastAccess": None,
        "Approved": False,
        "Blocked": False,
        "Id": roll.omar_in_python.id,
        "UpdatedOn": "2025-02-02T12:00:00Z",
        "CreatedOn": "2025-01-07T09:00:00Z",
        "UniqueId": "0a1a0000-0000-4000-8000-00000000c3c3",
        "UpdatedBy": "",
        "IsNew": False,
        "SystemId": None,
        "ToStringText": "Omar Haddad (Python Basics)",
        "LocalizationDetails": None,
        "CustomFields": None,
    }


def test_derived_fields_reflect_the_related_records_as_they_are_now(admin, roll, north):
    roll.ana.full_name = "Ana Smith-Jones"
    roll.ana.save()
    roll.python.title = "Python Fundamentals"
    roll.python.save()
    make_team(north, "Ambassadors").members.add(roll.ana)

    response = ask(admin, roll, {"CourseMember_Coworker_FullName": "smith-jones"})

    [record] = response.json()["Records"]
    assert (
        record["CoworkerFullName"],
        record["CourseTitle"],
        record["CoworkerTeamNames"],
        record["ToStringText"],
    ) == (
        "Ana Smith-Jones",
        "Python Fundamentals",
        "Ambassadors, Ops North",
        "Ana Smith-Jones (Python Fundamentals)",
    )


# Filters


FILTERS = [
    # Ids of relations, and of the record itself.
    ({"CourseMember_Course": "{python.id}"}, [ANA, LENA, OMAR]),
    ({"CourseMember_Course": "{sourdough.id}"}, [SVEN]),
    ({"CourseMember_Course": "987654321"}, []),
    ({"CourseMember_Coworker": "{zoe.id}"}, [ZOE]),
    ({"CourseMember_LastCompletedLesson": "{loops.id}"}, [LENA]),
    ({"CourseMember_Id": "{omar_in_python.id}"}, [OMAR]),
    ({"CourseMember_UniqueId": "1E4A0000-0000-4000-8000-00000000B2B2"}, [LENA]),
    # Text: contains, with full Unicode case folding.
    ({"CourseMember_Course_Title": "PYTHON"}, [ANA, LENA, OMAR]),
    ({"CourseMember_Course_Title": "wheel"}, [ZOE]),
    ({"CourseMember_Coworker_FullName": "STRASSE"}, [LENA]),
    ({"CourseMember_Coworker_FullName": "straße"}, [LENA]),
    ({"CourseMember_Coworker_FullName": "ZOË"}, [ZOE]),
    ({"CourseMember_Coworker_FullName": "Nobody"}, []),
    ({"CourseMember_Coworker_CompanyName": "STRASSE & SÖHNE"}, [LENA]),
    ({"CourseMember_Coworker_BillingName": "accounts"}, [ZOE]),
    ({"CourseMember_LastCompletedLesson_Title": "loops"}, [LENA]),
    ({"CourseMember_SystemId": "CRM"}, [ANA, LENA]),
    # `%`, `_` and `\` match themselves, never as wildcards or escapes.
    ({"CourseMember_Coworker_CompanyName": "%"}, [OMAR]),
    ({"CourseMember_Coworker_CompanyName": "0%"}, [OMAR]),
    ({"CourseMember_Coworker_BillingName": "_"}, [LENA]),
    ({"CourseMember_Coworker_BillingName": "s_n"}, [LENA]),
    ({"CourseMember_Coworker_BillingName": "\\"}, [OMAR]),
    ({"CourseMember_Coworker_BillingName": "d\\o"}, [OMAR]),
    # No stored text holds NUL; PostgreSQL refuses it in a query.
    ({"CourseMember_Coworker_FullName": "Ana\x00"}, []),
    ({"CourseMember_Coworker_TeamNames": "Ops\x00"}, []),
    ({"CourseMember_Coworker_TeamNames": "Ops\x00,design"}, [LENA, ZOE]),
    # Team names: any item contained in any of the customer's teams.
    ({"CourseMember_Coworker_TeamNames": "ops"}, [ANA, LENA]),
    ({"CourseMember_Coworker_TeamNames": "Design,NORTH"}, [ANA, LENA, ZOE]),
    ({"CourseMember_Coworker_TeamNames": " bakers , "}, [SVEN]),
    ({"CourseMember_Coworker_TeamNames": "Sales,Marketing"}, []),
    ({"CourseMember_Coworker_TeamNames": ","}, EVERYONE),
    # Enums: by number or by name, in any case.
    *spellings(
        "CourseMember_Coworker_CoworkerType",
        ["1", "Individual", "individual", "INDIVIDUAL"],
        [ANA, ZOE, SVEN],
    ),
    *spellings(
        "CourseMember_Coworker_CoworkerType", ["2", "Company", "cOmPaNy"], [LENA, OMAR]
    ),
    # Booleans: true/false/1/0 in any case.
    *spellings(
        "CourseMember_Approved", ["true", "True", "TRUE", "1"], [ANA, LENA, SVEN]
    ),
    *spellings("CourseMember_Approved", ["false", "False", "FALSE", "0"], [OMAR, ZOE]),
    *spellings("CourseMember_Blocked", ["true", "1"], [LENA]),
    *spellings("CourseMember_Blocked", ["false", "0"], [ANA, OMAR, ZOE, SVEN]),
    # Dates: within the day, minute or second given; UTC unless an offset.
    ({"CourseMember_LastAccess": "2025-03-10"}, [ANA, LENA]),
    ({"CourseMember_LastAccess": "2025-03-10T10:30"}, [ANA]),
    ({"CourseMember_LastAccess": "2025-03-10 10:30"}, [ANA]),
    ({"CourseMember_LastAccess": "2025-03-10T10:31"}, [LENA]),
    ({"CourseMember_LastAccess": "2025-03-10T10:30:15"}, [ANA]),
    ({"CourseMember_LastAccess": "2025-03-10T10:30:14"}, []),
    ({"CourseMember_LastAccess": "2025-03-10T10:30Z"}, [ANA]),
    ({"CourseMember_LastAccess": "2025-03-10T11:30+01:00"}, [ANA]),
    ({"CourseMember_LastAccess": "2025-03-10T06:01-04:30"}, [LENA]),
    ({"CourseMember_LastAccess": "2025-03-10T00:59+0100"}, [SVEN]),
    ({"CourseMember_CreatedOn": "2025-01-05"}, [ANA, ZOE]),
    ({"CourseMember_CreatedOn": "2025-01-05T18:30"}, [ZOE]),
    ({"CourseMember_UpdatedOn": "2025-02-01T12:00"}, [ANA, ZOE]),
    ({"CourseMember_UpdatedOn": "9999-12-31"}, []),
    # All filters given must hold.
    ({"CourseMember_Course": "{python.id}", "CourseMember_Approved": "1"}, [ANA, LENA]),
    (
        {
            "CourseMember_Approved": "true",
            "CourseMember_Blocked": "false",
            "CourseMember_Coworker_TeamNames": "ops",
        },
        [ANA],
    ),
    (
        {
            "CourseMember_Coworker_TeamNames": "Design",
            "CourseMember_Coworker_CoworkerType": "Individual",
        },
        [ZOE],
    ),
]


@pytest.mark.parametrize(("params", "expected"), FILTERS)
def test_filters(admin, roll, params, expected):
    assert full_names(ask(admin, roll, params)) == expected


RANGES = [
    ({"from_CourseMember_LastAccess": "2025-03-10"}, [ANA, LENA, ZOE]),
    ({"to_CourseMember_LastAccess": "2025-03-10"}, [ANA, LENA, SVEN]),
    (
        {
            "from_CourseMember_LastAccess": "2025-03-10",
            "to_CourseMember_LastAccess": "2025-03-10",
        },
        [ANA, LENA],
    ),
    ({"from_CourseMember_LastAccess": "2025-03-10T10:31"}, [LENA, ZOE]),
    ({"to_CourseMember_LastAccess": "2025-03-10T10:30"}, [ANA, SVEN]),
    ({"to_CourseMember_LastAccess": "2025-03-09T23:59"}, [SVEN]),
    ({"from_CourseMember_LastAccess": "2025-03-10T10:30:16"}, [LENA, ZOE]),
    ({"to_CourseMember_LastAccess": "2025-03-10T10:30:15"}, [ANA, SVEN]),
    ({"from_CourseMember_LastAccess": "2025-03-10T10:31Z"}, [LENA, ZOE]),
    ({"from_CourseMember_LastAccess": "2025-03-10T11:31+01:00"}, [LENA, ZOE]),
    ({"to_CourseMember_LastAccess": "2025-03-10T05:30-05:00"}, [ANA, SVEN]),
    # A `from` after its `to` is an empty page, not an error.
    (
        {
            "from_CourseMember_LastAccess": "2025-03-11",
            "to_CourseMember_LastAccess": "2025-03-10",
        },
        [],
    ),
    # Omar never accessed his course: he is outside every range.
    ({"from_CourseMember_LastAccess": "2000-01-01"}, [ANA, LENA, ZOE, SVEN]),
    ({"to_CourseMember_LastAccess": "2999-12-31"}, [ANA, LENA, ZOE, SVEN]),
    ({"to_CourseMember_CreatedOn": "9999-12-31"}, EVERYONE),
    ({"from_CourseMember_CreatedOn": "9999-12-31T23:59:59.999999"}, []),
    ({"from_CourseMember_UpdatedOn": "0001-01-01"}, EVERYONE),
    ({"from_CourseMember_CreatedOn": "2025-01-05T18:30"}, [LENA, OMAR, ZOE]),
    ({"to_CourseMember_CreatedOn": "2025-01-05"}, [ANA, ZOE, SVEN]),
    ({"from_CourseMember_UpdatedOn": "2025-02-03"}, [LENA, SVEN]),
    ({"to_CourseMember_UpdatedOn": "2025-02-01T12:00"}, [ANA, ZOE]),
    (
        {
            "from_CourseMember_UpdatedOn": "2025-02-02",
            "to_CourseMember_UpdatedOn": "2025-02-03T12:00",
        },
        [LENA, OMAR],
    ),
    (
        {
            "from_CourseMember_Id": "{lena_in_python.id}",
            "to_CourseMember_Id": "{zoe_in_pottery.id}",
        },
        [LENA, OMAR, ZOE],
    ),
]


@pytest.mark.parametrize(("params", "expected"), RANGES)
def test_ranges_are_inclusive_at_the_precision_given(admin, roll, params, expected):
    assert full_names(ask(admin, roll, params)) == expected


def test_a_plus_sign_left_unescaped_in_an_offset_still_reads(admin, roll):
    query = "from_CourseMember_LastAccess=2025-03-10T11:31+01:00"

    response = admin.get(f"{SEARCH}?{query}")

    assert full_names(response) == [LENA, ZOE]


# Ordering

ORDERINGS = [
    ("Id", [ANA, LENA, OMAR, ZOE, SVEN]),
    ("CourseId", [ANA, LENA, OMAR, ZOE, SVEN]),
    ("CourseTitle", [ZOE, ANA, LENA, OMAR, SVEN]),
    ("CoworkerId", [ANA, LENA, OMAR, ZOE, SVEN]),
    ("CoworkerCoworkerType", [ANA, ZOE, SVEN, LENA, OMAR]),
    ("CoworkerFullName", [ANA, LENA, OMAR, SVEN, ZOE]),
    ("CoworkerCompanyName", [ANA, SVEN, OMAR, ZOE, LENA]),
    ("CoworkerBillingName", [SVEN, ZOE, ANA, OMAR, LENA]),
    ("LastCompletedLessonId", [OMAR, SVEN, ANA, LENA, ZOE]),
    ("LastCompletedLessonTitle", [OMAR, SVEN, ZOE, LENA, ANA]),
    ("LastAccess", [OMAR, SVEN, ANA, LENA, ZOE]),
    ("Approved", [OMAR, ZOE, ANA, LENA, SVEN]),
    ("Blocked", [ANA, OMAR, ZOE, SVEN, LENA]),
    ("UpdatedOn", [ANA, ZOE, OMAR, LENA, SVEN]),
    ("CreatedOn", [SVEN, ANA, ZOE, LENA, OMAR]),
    ("UniqueId", [OMAR, LENA, ANA, SVEN, ZOE]),
    ("UpdatedBy", [OMAR, ANA, ZOE, LENA, SVEN]),
    ("SystemId", [OMAR, SVEN, ANA, LENA, ZOE]),
]


@pytest.mark.parametrize(("order_by", "ascending"), ORDERINGS)
def test_every_property_sorts_both_ways(admin, roll, order_by, ascending):
    """Ties go by Id the same way; nulls come first up and last down.

    So the descending order is exactly the ascending one reversed.
    """
    up = ask(admin, roll, {"orderBy": order_by, "dir": "1"})
    down = ask(admin, roll, {"orderBy": order_by, "dir": "-1"})

    assert full_names(up) == ascending
    assert full_names(down) == ascending[::-1]
    assert [up.json()["CurrentSortDirection"], down.json()["CurrentSortDirection"]] == [
        1,
        -1,
    ]


@pytest.mark.parametrize(
    ("params", "field", "direction"),
    [
        ({}, "Id", 1),
        ({"dir": "0"}, "Id", 1),
        ({"dir": "-1"}, "Id", -1),
        ({"orderBy": "coworkerfullname"}, "CoworkerFullName", 1),
        ({"orderBy": "COURSETITLE", "dir": "-1"}, "CourseTitle", -1),
        ({"orderBy": "lastAccess", "dir": "0"}, "LastAccess", 1),
        ({"orderBy": "uniqueid"}, "UniqueId", 1),
        ({"orderBy": "ID"}, "Id", 1),
    ],
)
def test_the_order_is_named_in_its_canonical_spelling(
    admin, roll, params, field, direction
):
    body = ask(admin, roll, params).json()

    assert (body["CurrentOrderField"], body["CurrentSortDirection"]) == (
        field,
        direction,
    )


def test_dir_zero_sorts_like_one(admin, roll):
    zero = ask(admin, roll, {"orderBy": "CourseTitle", "dir": "0"})

    assert full_names(zero) == [ZOE, ANA, LENA, OMAR, SVEN]


# Paging


PAGES = [
    ({"size": "2", "page": "1"}, envelope([ANA, LENA], 1, 2, 1, 2, True, False, 5, 3)),
    ({"size": "2", "page": "2"}, envelope([OMAR, ZOE], 2, 2, 3, 4, True, True, 5, 3)),
    ({"size": "2", "page": "3"}, envelope([SVEN], 3, 2, 5, 5, False, True, 5, 3)),
    ({"size": "2", "page": "4"}, envelope([], 4, 2, 0, 0, False, True, 5, 3)),
    ({"size": "5"}, envelope(EVERYONE, 1, 5, 1, 5, False, False, 5, 1)),
    ({}, envelope(EVERYONE, 1, 25, 1, 5, False, False, 5, 1)),
    ({"page": "", "size": ""}, envelope(EVERYONE, 1, 25, 1, 5, False, False, 5, 1)),
    ({"size": "5000"}, envelope(EVERYONE, 1, 5000, 1, 5, False, False, 5, 1)),
    (
        {"page": "9223372036854775807"},
        envelope([], 9223372036854775807, 25, 0, 0, False, True, 5, 1),
    ),
    (
        {"CourseMember_Course": "987654321"},
        envelope([], 1, 25, 0, 0, False, False, 0, 0),
    ),
    (
        {"CourseMember_Course": "987654321", "page": "2"},
        envelope([], 2, 25, 0, 0, False, True, 0, 0),
    ),
]


@pytest.mark.parametrize(("params", "expected"), PAGES)
def test_paging_arithmetic(admin, roll, params, expected):
    response = ask(admin, roll, params)

    body = response.json()
    assert response.status_code == 200
    assert list(body) == ENVELOPE_KEYS
    assert {**body, "Records": full_names(response)} == expected


def test_a_trailing_slash_is_accepted(admin, roll):
    assert full_names(ask(admin, roll, {}, path=SEARCH + "/")) == EVERYONE


# Parameter names and values


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"coursemember_course": "{python.id}"}, [ANA, LENA, OMAR]),
        ({"COURSEMEMBER_APPROVED": "false"}, [OMAR, ZOE]),
        ({"courseMember_coworker_teamNames": "ops"}, [ANA, LENA]),
        ({"From_CourseMember_LastAccess": "2025-03-11"}, [ZOE]),
        ({"TO_coursemember_lastaccess": "2025-03-09"}, [SVEN]),
        ({"ORDERBY": "coworkerfullname", "DIR": "-1"}, [ZOE, SVEN, OMAR, LENA, ANA]),
        ({"Page": "2", "SIZE": "4"}, [SVEN]),
    ],
)
def test_parameter_names_ignore_case(admin, roll, params, expected):
    assert full_names(ask(admin, roll, params)) == expected


@pytest.mark.parametrize(
    "params",
    [
        {"CourseMember_Course": ""},
        {"CourseMember_Approved": ""},
        {"CourseMember_Coworker_CoworkerType": "  "},
        {"CourseMember_LastAccess": ""},
        {"from_CourseMember_LastAccess": "", "to_CourseMember_CreatedOn": ""},
        {"orderBy": "", "dir": ""},
        {"colour": "blue"},
        {"CourseMember_Colour": "blue"},
        {"CourseMember_Coworker_Email": "ana@example.com"},
        {"from_CourseMember_Approved": "true"},
        {"to_CourseMember_Coworker_FullName": "Zed"},
        {"CourseMember_IsNew": "yes"},
    ],
)
def test_empty_values_and_unknown_parameters_are_ignored(admin, roll, params):
    assert full_names(ask(admin, roll, params)) == EVERYONE


DIR_RULE = "must be 1 (ascending), -1 (descending) or 0."

BAD_VALUES = [
    ("page", "0", PAGE_RULE),
    ("page", "-1", PAGE_RULE),
    ("page", "1.5", PAGE_RULE),
    ("page", "abc", PAGE_RULE),
    ("page", "99999999999999999999", PAGE_RULE),
    ("Page", "+1", PAGE_RULE),
    ("size", "0", SIZE_RULE),
    ("size", "-1", SIZE_RULE),
    ("size", "1.5", SIZE_RULE),
    ("size", "abc", SIZE_RULE),
    ("size", "5001", SIZE_RULE),
    ("size", "1000000000", SIZE_RULE),
    ("dir", "2", DIR_RULE),
    ("dir", "asc", DIR_RULE),
    ("dir", "-2", DIR_RULE),
    ("DIR", "desc", DIR_RULE),
    ("orderBy", "Name", f"must be a property of the record: {SORTABLE}."),
    ("orderby", "Course", f"must be a property of the record: {SORTABLE}."),
    ("orderBy", "coworker__email", f"must be a property of the record: {SORTABLE}."),
    (
        "CourseMember_Course",
        "python",
        "must be the whole-number id of a record.",
    ),
    ("CourseMember_Coworker", "1.0", "must be the whole-number id of a record."),
    (
        "CourseMember_LastCompletedLesson",
        "9223372036854775808",
        "must be the whole-number id of a record.",
    ),
    ("CourseMember_Id", "one", "must be a whole number."),
    ("from_CourseMember_Id", "x", "must be a whole number."),
    ("CourseMember_UniqueId", "not-a-guid", "must be a GUID."),
    ("CourseMember_Approved", "yes", "must be true, false, 1 or 0."),
    ("CourseMember_Blocked", "2", "must be true, false, 1 or 0."),
    (
        "CourseMember_Coworker_CoworkerType",
        "3",
        "must be one of 1 (Individual), 2 (Company).",
    ),
    (
        "coursemember_coworker_coworkertype",
        "Person",
        "must be one of 1 (Individual), 2 (Company).",
    ),
    ("CourseMember_LastAccess", "yesterday", f"must be {DATE_FORMS}."),
    ("CourseMember_LastAccess", "2025-02-30", f"must be {DATE_FORMS}."),
    ("CourseMember_LastAccess", "2025-03-10T24:00", f"must be {DATE_FORMS}."),
    ("CourseMember_LastAccess", "10/03/2025", f"must be {DATE_FORMS}."),
    (
        "from_CourseMember_LastAccess",
        "2025-03-10T10:30+25:00",
        f"must be {DATE_FORMS}.",
    ),
    ("to_CourseMember_CreatedOn", "9999-12-31T23:59-01:00", f"must be {DATE_FORMS}."),
    ("to_CourseMember_UpdatedOn", "2025-13-01", f"must be {DATE_FORMS}."),
]


@pytest.mark.parametrize(("name", "value", "rule"), BAD_VALUES)
def test_a_bad_value_is_refused_naming_the_parameter(admin, roll, name, value, rule):
    response = admin.get(SEARCH, {name: value})

    assert response.status_code == 400
    assert response.json() == invalid((name, value, f"{name} {rule}"))


def test_every_bad_value_is_listed_in_the_order_given(admin, roll):
    response = admin.get(SEARCH, {"size": "abc", "CourseMember_Approved": "maybe"})

    assert response.status_code == 400
    assert response.json() == invalid(
        ("size", "abc", f"size {SIZE_RULE}"),
        (
            "CourseMember_Approved",
            "maybe",
            "CourseMember_Approved must be true, false, 1 or 0.",
        ),
    )


@pytest.mark.parametrize(
    ("params", "name", "value"),
    [
        ({"page": ["1", "2"]}, "page", "2"),
        ({"page": "1", "PAGE": "2"}, "PAGE", "2"),
        (
            {"CourseMember_Approved": ["true", "false"]},
            "CourseMember_Approved",
            "false",
        ),
        ({"orderBy": ["Id", "CreatedOn"]}, "orderBy", "CreatedOn"),
    ],
)
def test_a_repeated_parameter_is_refused(admin, roll, params, name, value):
    response = admin.get(SEARCH, params)

    assert response.status_code == 400
    assert response.json() == invalid((name, value, f"{name} is given more than once."))


@pytest.mark.parametrize(
    ("params", "same_as"),
    [
        ({"foo": ["1", "2"]}, {}),
        ({"_": ["1", "2"], "": ["", "x"]}, {}),
        ({"orderBy": ["Id", ""]}, {"orderBy": "Id"}),
        (
            {"CourseMember_Approved": ["", "true"], "page": ["", "1"]},
            {"CourseMember_Approved": "true"},
        ),
    ],
    ids=["unknown", "nameless", "empty after", "empty before"],
)
def test_repeats_of_unknown_names_and_empty_values_are_ignored(
    admin, roll, params, same_as
):
    response = admin.get(SEARCH, params)

    assert response.status_code == 200
    assert response.json() == admin.get(SEARCH, same_as).json()


def test_the_largest_page_size_is_a_setting(admin, roll, settings):
    settings.ROSTER_MAX_PAGE_SIZE = 3

    refused = admin.get(SEARCH, {"size": "4"})
    allowed = admin.get(SEARCH, {"size": "3"})

    rule = "must be a whole number from 1 to 3; the number of records per page."
    assert refused.status_code == 400
    assert refused.json() == invalid(("size", "4", f"size {rule}"))
    assert full_names(allowed) == [ANA, LENA, OMAR]


# Cost


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"orderBy": "CoworkerFullName", "dir": "-1"},
        {"CourseMember_Coworker_TeamNames": "o", "CourseMember_Course_Title": "p"},
        {"from_CourseMember_LastAccess": "2025-01-01", "orderBy": "LastAccess"},
    ],
)
def test_the_query_count_does_not_depend_on_the_page_size(
    admin, roll, params, django_assert_num_queries
):
    """Throttle, token, count, page (and team names), whatever the size."""
    with django_assert_num_queries(search_queries()) as small:
        full_names(admin.get(SEARCH, {**params, "size": "1"}))
    with django_assert_num_queries(search_queries()) as large:
        full_names(admin.get(SEARCH, {**params, "size": "50"}))

    assert len(small) == len(large)


def test_a_restricted_administrator_costs_no_query_more(
    admin, make_api, roll, north, django_assert_num_queries
):
    """The administrator's businesses are read with its token."""
    clerk = make_api("clerk@example.com", ["CourseMember-List"], [north])

    with django_assert_num_queries(search_queries()) as full:
        full_names(admin.get(SEARCH, {"size": "1"}))
    with django_assert_num_queries(search_queries()) as small:
        full_names(clerk.get(SEARCH, {"size": "1"}))
    with django_assert_num_queries(search_queries()) as large:
        full_names(clerk.get(SEARCH, {"size": "50"}))

    assert len(full) == len(small) == len(large)


# Businesses


def test_a_restricted_administrator_sees_only_its_business(make_api, roll, north):
    clerk = make_api("clerk@example.com", ["CourseMember-List"], [north])

    response = clerk.get(SEARCH, {"size": "1"})

    assert response.json()["TotalItems"] == 4
    assert full_names(clerk.get(SEARCH)) == [ANA, LENA, OMAR, ZOE]


def test_an_administrator_of_both_businesses_sees_both(make_api, roll, north, south):
    clerk = make_api("clerk@example.com", ["CourseMember-List"], [north, south])

    assert full_names(clerk.get(SEARCH)) == EVERYONE


def test_an_administrator_without_businesses_sees_nothing(make_api, roll):
    clerk = make_api("clerk@example.com", ["CourseMember-List"], [])

    response = clerk.get(SEARCH)

    assert response.status_code == 200
    assert response.json() == envelope([], 1, 25, 0, 0, False, False, 0, 0)


@pytest.mark.parametrize(
    ("name", "foreign", "missing"),
    [
        ("CourseMember_Course", "{sourdough.id}", "987654321"),
        ("CourseMember_Coworker", "{sven.id}", "987654321"),
        ("CourseMember_Id", "{sven_in_sourdough.id}", "987654321"),
    ],
)
def test_another_business_s_records_look_like_missing_ones(
    make_api, roll, north, name, foreign, missing
):
    clerk = make_api("clerk@example.com", ["CourseMember-List"], [north])

    foreign_answer = ask(clerk, roll, {name: foreign})
    missing_answer = ask(clerk, roll, {name: missing})

    assert foreign_answer.status_code == missing_answer.status_code == 200
    assert foreign_answer.json() == missing_answer.json()
    assert foreign_answer.json()["TotalItems"] == 0


def test_searching_needs_the_list_role(make_api, roll, north):
    clerk = make_api("clerk@example.com", ["CourseMember-Read"], [north])

    response = clerk.get(SEARCH)

    assert response.status_code == 403
    assert response.json() == {
        "Message": "Authorization has been denied for this request. "
        "The CourseMember-List role is required."
    }
