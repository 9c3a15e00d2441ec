"""docs/guide.md works as written: its curl calls, run in order, succeed.

The guide's ```sh blocks are read as the shell reads them, for the little
shell they use: variables set from plain values or from `$(curl … | jq -r
PATH)`, and curl calls piped to jq for display. Each call goes through the
test client against the demo's administrator and first business, and the
answers shown after a plain `| jq` must be the answers given, but for ids
and moments.
"""

import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import orjson
import pytest
from django.test import Client

from roster.accounts.services import save_administrator
from roster.businesses.models import Business

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "guide.md"
FORM = "application/x-www-form-urlencoded"
VARIABLE = re.compile(r"\$(\w+)|\$\{(\w+)\}")
MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def blocks(text):
    """Each ```sh block with the ```json answer shown after it, if any."""
    pattern = r"^```sh\n(.*?)^```\n(?:\n```json\n(.*?)^```)?"
    return re.findall(pattern, text, re.M | re.S)


def commands(block):
    """The commands of a block, each joined across its lines."""
    pending = ""
    for line in block.splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        pending += line + "\n"
        joined = pending.replace("\\\n", " ")
        if pending.endswith("\\\n") or not _complete(joined):
            continue
        yield joined.strip()
        pending = ""
    assert not pending, f"an unfinished command: {pending}"


def _complete(text):
    try:
        shlex.split(text)
    except ValueError:
        return False
    return True


class Shell:
    """Runs the guide's commands, keeping its variables and the last answer."""

    def __init__(self):
        self.client = Client()
        self.variables = {}
        self.answer = None

    def run(self, command):
        capture = re.fullmatch(r"(\w+)=\$\((.*)\)", command, re.S)
        assignment = re.fullmatch(r"(\w+)=(.*)", command, re.S)
        if capture:
            name, pipeline = capture.groups()
            self.variables[name] = self.pipeline(pipeline, capture=True)
        elif assignment:
            name, value = assignment.groups()
            (self.variables[name],) = shlex.split(self.expand(value))
        else:
            self.pipeline(command, capture=False)

    def expand(self, text):
        return VARIABLE.sub(lambda m: self.variables[m[1] or m[2]], text)

    def pipeline(self, text, *, capture):
        words = shlex.split(self.expand(text))
        stages, stage = [], []
        for word in [*words, "|"]:
            if word == "|":
                stages.append(stage)
                stage = []
            else:
                stage.append(word)
        curl, *filters = stages
        assert curl[0] == "curl", text
        assert all(stage[0] == "jq" for stage in filters), text
        self.answer = self.curl(curl[1:])
        if capture:
            (jq,) = filters
            return select(self.answer, jq)
        return None

    def curl(self, words):
        method, headers, data, url = None, {}, [], None
        words = iter(words)
        for word in words:
            if word == "-s":
                continue
            if word == "-X":
                method = next(words)
            elif word == "-H":
                name, _, value = next(words).partition(":")
                headers[name.strip()] = value.strip()
            elif word == "-d":
                data.append(next(words))
            else:
                assert not word.startswith("-"), f"curl {word} is not known here"
                url = word
        parts = urlsplit(url)
        response = self.client.generic(
            method or ("POST" if data else "GET"),
            parts.path + (f"?{parts.query}" if parts.query else ""),
            "&".join(data),
            content_type=headers.pop("Content-Type", FORM),
            headers=headers,
        )
        assert response.status_code == 200, (url, response.content)
        return response.json()


def select(answer, jq):
    """`jq -r PATH` for paths such as `.Value.Id` or `.Records[0].Id`."""
    assert jq[:2] == ["jq", "-r"] and len(jq) == 3, jq
    steps = re.findall(r"\.(\w+)|\[(\d+)\]", jq[2])
    assert "".join(f".{k}" if k else f"[{i}]" for k, i in steps) == jq[2], jq
    for key, index in steps:
        answer = answer[key] if key else answer[int(index)]
    return str(answer)


def without_ids_and_moments(value, key=""):
    if isinstance(value, dict):
        return {k: without_ids_and_moments(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [without_ids_and_moments(item, key) for item in value]
    if isinstance(value, int) and key.endswith("Id"):
        return "an id"
    if isinstance(value, str) and (MOMENT.fullmatch(value) or GUID.fullmatch(value)):
        return "a moment or a GUID"
    return value


@pytest.fixture
def demo(db):
    """The demo's administrator and its first business, Harbour Street Hub."""
    save_administrator("admin@example.com", "roster-demo", full=True)
    return Business.objects.create(pk=1, name="Harbour Street Hub")


def test_the_guide_builds_a_course_as_written(demo):
    shell, compared = Shell(), 0

    for block, shown in blocks(GUIDE.read_text()):
        for command in commands(block):
            shell.run(command)
        if shown and command.endswith("| jq"):
            expected = without_ids_and_moments(orjson.loads(shown))
            assert without_ids_and_moments(shell.answer) == expected, command
            compared += 1

    assert compared == 2

    v = shell.variables
    members = shell.answer["Records"]
    assert shell.answer["TotalItems"] == 2
    assert [m["CoworkerFullName"] for m in members] == ["Maeve Keane", "Rory Walsh"]
    assert [m["Id"] for m in members] == [int(v["MAEVE_IN"]), int(v["RORY_IN"])]
    assert [m["CourseId"] for m in members] == [int(v["COURSE"])] * 2
    assert [m["Approved"] for m in members] == [True, True]
    assert [m["LastCompletedLessonId"] for m in members] == [
        int(v["ROOMS"]),
        int(v["TOUR"]),
    ]


SHELL = [
    ("BODY='{\"CourseId\": '\"$COURSE\"'}'\n", '{"CourseId": 61}'),
    ("BODY='{\n  \"CourseId\": '\"$COURSE\"'\n}'\n", '{\n  "CourseId": 61\n}'),
    ('BODY="Course $COURSE"\n', "Course 61"),
]


@pytest.mark.parametrize(("script", "value"), SHELL)
def test_the_guide_is_read_as_bash_reads_it(script, value):
    shell = Shell()
    shell.variables["COURSE"] = "61"

    (command,) = commands(script)
    shell.run(command)

    assert shell.variables["BODY"] == value
