"""`serve --test-clock-file`'s clock: the system time plus the seconds in a file, re-read when
the file changes, 0 while it is missing or empty."""

from __future__ import annotations

import time
from pathlib import Path

from dynafed.server.offset_clock import OffsetFileClock


def test_the_offset_follows_the_file(tmp_path: Path) -> None:
    path = tmp_path / "offset"
    clock = OffsetFileClock(path)
    assert abs(clock.now() - time.time()) < 5  # no file yet: the system time
    path.write_text("900")
    assert 895 < clock.now() - time.time() < 905
    path.write_text("86460.5\n")
    assert 86455 < clock.now() - time.time() < 86465
    path.write_text("")
    assert abs(clock.now() - time.time()) < 5
    path.unlink()
    assert abs(clock.now() - time.time()) < 5
