"""The short form of `make chaos` (tests/chaos): one trial of each scenario that the other
end-to-end suites do not already hold (the frozen database: test_database_unreachable.py; the
full disk: test_disk_full.py), with a fixed seed. Every trial must keep every promise: no
acknowledged write lost, no update applied twice, no HTTP 500."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.chaos import scenarios

pytestmark = pytest.mark.e2e

SHORT = {
    "SIGKILL under writes, SQLite": lambda w, r: scenarios.sigkill("sqlite", w, r),
    "SIGKILL under writes, PostgreSQL": lambda w, r: scenarios.sigkill("postgres", w, r),
    "connection kills, PostgreSQL": lambda w, r: scenarios.connection_kills(w, r, updates=30),
    "slowloris": lambda w, r: scenarios.slowloris(w, r, connections=200),
}


@pytest.mark.parametrize("name", list(SHORT))
def test_one_trial_keeps_every_promise(name: str, tmp_path: Path) -> None:
    trial = SHORT[name](tmp_path, random.Random(20))
    assert trial is not None
    assert trial.acknowledged > 0
    assert trial.failures is None, trial.failures
    assert (trial.lost, trial.doubled, trial.server_errors) == (0, 0, 0), trial
