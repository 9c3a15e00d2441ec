"""Counting the fuzz cases of a run, reported at its end."""

import collections

import pytest

FUZZ_CASES = pytest.StashKey[collections.Counter]()


def pytest_configure(config):
    config.stash[FUZZ_CASES] = collections.Counter()


def pytest_terminal_summary(terminalreporter, config):
    cases = config.stash[FUZZ_CASES]
    if not cases:
        return
    operations = {operation for _who, operation in cases}
    for who in sorted({who for who, _operation in cases}):
        count = sum(n for (asker, _operation), n in cases.items() if asker == who)
        terminalreporter.write_line(f"fuzz: {count} cases as {who}")
    terminalreporter.write_line(
        f"fuzz: {cases.total()} cases over {len(operations)} operations"
    )
