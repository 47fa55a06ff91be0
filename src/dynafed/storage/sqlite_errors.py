"""What an SQLite error says about the disk under the database.

A full disk, a read-only file system and a file this user may not write are the operator's
to fix, not bugs: at start they become one line naming the file and the cause
(`StorageOpenError`); while serving, a full disk makes writes fail as temporarily
unavailable (nothing was written: SQLite rolls the transaction back) while reads go on.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from enum import Enum
from pathlib import Path


class DiskProblem(Enum):
    FULL = "the disk is full"
    READ_ONLY = "the file system is read-only"
    PERMISSION = "this user may not read and write it"


_FULL_CODES = {"SQLITE_FULL", "SQLITE_IOERR_SHMSIZE"}
"""SQLITE_IOERR_SHMSIZE: SQLite could not allocate its shared-memory WAL index, which it
does by writing into the `-shm` file, so on a full disk that is how opening fails."""


class StorageOpenError(RuntimeError):
    """The database file cannot be opened or prepared: one line, the file and the cause."""

    def __init__(self, path: Path, cause: str) -> None:
        super().__init__(f"cannot use the database {path}: {cause}")
        self.path = path
        self.cause = cause


def disk_problem(error: sqlite3.Error, path: Path | None = None) -> DiskProblem | None:
    """The disk problem behind `error`, if it is one; `path` helps tell a read-only file
    system from a file this user may not write (SQLite says "readonly" for both)."""
    name = getattr(error, "sqlite_errorname", "")
    if name in _FULL_CODES:
        return DiskProblem.FULL
    if (
        name.startswith("SQLITE_READONLY")
        or name.startswith("SQLITE_CANTOPEN")
        or (name.startswith("SQLITE_IOERR") and path is not None)
    ):
        return _file_problem(path)
    return None


def _file_problem(path: Path | None) -> DiskProblem | None:
    if path is None:
        return None
    directory = path.parent if path.parent.exists() else None
    try:
        if directory is not None and os.statvfs(directory).f_flag & os.ST_RDONLY:
            return DiskProblem.READ_ONLY
    except OSError:
        pass
    for target in (path, path.parent):
        if target.exists() and not os.access(target, os.R_OK | os.W_OK):
            return DiskProblem.PERMISSION
    if directory is not None and _no_space(directory):
        return DiskProblem.FULL
    return None


def _no_space(directory: Path) -> bool:
    try:
        stats = os.statvfs(directory)
    except OSError:
        return False
    return stats.f_bavail == 0 or stats.f_favail == 0


def open_error(path: Path, error: BaseException) -> StorageOpenError:
    """`error`, raised while opening or preparing `path`, as the one line an operator reads."""
    if isinstance(error, sqlite3.Error):
        problem = disk_problem(error, path)
        if problem is not None:
            return StorageOpenError(path, problem.value)
        return StorageOpenError(path, str(error))
    if isinstance(error, OSError):
        return StorageOpenError(path, os_error_cause(error))
    return StorageOpenError(path, str(error))


def os_error_cause(error: OSError) -> str:
    """The cause of a failed file operation in the words `StorageOpenError` uses."""
    causes = {
        errno.ENOSPC: DiskProblem.FULL.value,
        errno.EDQUOT: DiskProblem.FULL.value,
        errno.EROFS: DiskProblem.READ_ONLY.value,
        errno.EACCES: DiskProblem.PERMISSION.value,
        errno.EPERM: DiskProblem.PERMISSION.value,
    }
    return causes.get(error.errno or 0, error.strerror or str(error))
