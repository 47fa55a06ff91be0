"""The data directory holds secrets (the session keyring, the user pools' signing keys,
password hashes, the admin key): nobody but the server's own user may read it.

New files are private because `dynafed serve` runs with umask 077 (SQLite creates its WAL
and shared-memory files with the database file's mode); files an older version left
readable are tightened at start, and the server says so in one line.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

PRIVATE_UMASK = 0o077
DIRECTORY_MODE = 0o700
FILE_MODE = 0o600
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal", "-writer")


def make_private(data_dir: Path, sqlite_file: Path | None = None) -> list[Path]:
    """Create `data_dir` 0700 if missing; tighten it, every file in it and the SQLite
    file with its companions to 0700/0600. The paths whose mode changed."""
    os.umask(PRIVATE_UMASK)
    data_dir.mkdir(parents=True, exist_ok=True, mode=DIRECTORY_MODE)
    changed = _tighten(data_dir, DIRECTORY_MODE)
    paths: list[Path] = [path for path in data_dir.rglob("*") if not path.is_symlink()]
    if sqlite_file is not None:
        paths += [sqlite_file.with_name(sqlite_file.name + s) for s in ("", *SQLITE_COMPANIONS)]
    for path in _existing(paths):
        changed += _tighten(path, DIRECTORY_MODE if path.is_dir() else FILE_MODE)
    return changed


def tightened_notice(changed: list[Path]) -> str | None:
    """The start-up line about files that were readable by others, if any."""
    if not changed:
        return None
    shown = ", ".join(str(path) for path in changed[:5])
    more = f" and {len(changed) - 5} more" if len(changed) > 5 else ""
    return f"dynafed: made {len(changed)} data paths private (0700/0600): {shown}{more}"


def _existing(paths: Iterable[Path]) -> Iterable[Path]:
    seen: set[Path] = set()
    for path in paths:
        if path not in seen and path.exists():
            seen.add(path)
            yield path


def _tighten(path: Path, mode: int) -> list[Path]:
    current = stat.S_IMODE(path.stat().st_mode)
    if current & ~mode == 0:
        return []
    path.chmod(current & mode)
    return [path]
