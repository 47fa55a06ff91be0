"""An acknowledged SQLite write survives SIGKILL of the writing process."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from dynafed.storage.sqlite import SqliteStorage

HELPER = Path(__file__).with_name("durability_writer.py")
TABLE = "durability"


def test_every_acknowledged_write_survives_sigkill(tmp_path: Path) -> None:
    db = tmp_path / "dynafed.sqlite3"
    proc = subprocess.Popen(
        [sys.executable, str(HELPER), str(db), "8"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    acknowledged: list[str] = []
    try:
        for line in proc.stdout:  # kill while eight threads keep writing
            acknowledged.append(line.rstrip("\n"))
            if len(acknowledged) >= 500:
                break
    finally:
        proc.send_signal(signal.SIGKILL)
    rest, errors = proc.communicate(timeout=30)
    # Lines already written to the pipe were acknowledged too; a torn last line was not.
    acknowledged += [line for line in rest.split("\n")[:-1] if line]
    assert proc.returncode == -signal.SIGKILL, errors
    assert len(acknowledged) >= 500

    storage = SqliteStorage(db)
    try:
        with storage.read() as view:
            missing = [
                key for key in acknowledged if view.get_item(TABLE, key.encode(), b"") is None
            ]
            stats = view.table_stats(TABLE)
            stored = sum(1 for _ in view.scan(TABLE))
    finally:
        storage.close()
    assert missing == []
    # Stats are kept in the same transactions, so they agree with what was stored.
    assert stats.item_count == stored >= len(acknowledged)
