"""The order the tests are handed to the workers in: the few that run for tens of seconds
first, shared out so each worker starts with about as much of them as the others.

pytest-xdist's `worksteal` gives each worker a contiguous part of the collected list and
lets an idle worker take tests from the end of a busy one's part. A long test near the end
of a part, or all of them in one part, would leave one worker running it alone at the end
while the other waits. Started first, the long tests run side by side with the rest.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

# Seconds of the files whose tests run longest (an idle two-core run, December 2026).
# Only the proportions matter; a file missing here counts as short. A test named on its
# own goes to a worker apart from the rest of its file: one that starts nothing shared
# with the file's other tests (a module fixture would start again on the other worker).
LONG = {
    "tests/test_fuzz.py::test_hostile_activities_never_break_pejling[sqlite]": 50,
    "tests/test_fuzz.py": 20,
    (
        "tests/test_time_travel.py::"
        "test_two_years_of_hvidovre_remind_once_on_time_and_stop_when_done"
    ): 25,
    "tests/test_time_travel.py": 16,
    "tests/ui/test_playground.py": 30,
    "tests/test_time_travel_agreement_years.py": 26,
    "tests/test_documents.py": 20,
    "tests/test_e2e_fanout.py": 20,
    "tests/test_e2e_shared_limits.py": 17,
}


def long_first(items: Sequence[pytest.Item], workers: int) -> list[pytest.Item]:
    """`items` reordered: each worker's part begins with its share of the long files."""
    by_file: dict[str, list[pytest.Item]] = {}
    for item in items:
        by_file.setdefault(_part(item.nodeid), []).append(item)
    shares: list[list[pytest.Item]] = [[] for _ in range(workers)]
    loads = [0] * workers
    for name in sorted(LONG, key=LONG.__getitem__, reverse=True):
        if name in by_file:
            least = loads.index(min(loads))
            shares[least] += by_file.pop(name)
            loads[least] += LONG[name]
    short = [item for found in by_file.values() for item in found]
    ordered: list[pytest.Item] = []
    left = len(items)
    for worker, share in enumerate(shares):
        size = left // (workers - worker)  # as worksteal splits the list at the start
        fill = max(size - len(share), 0)
        ordered += share + short[:fill]
        short = short[fill:]
        left -= size
    return ordered + short


def _part(nodeid: str) -> str:
    """The test's own entry in LONG if it has one, else its file."""
    return nodeid if nodeid in LONG else nodeid.split("::")[0]
