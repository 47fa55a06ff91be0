"""A small disk that fills up for real: a tmpfs mounted in a mount namespace of its own.

A holder process (`unshare --mount`) mounts a tmpfs of a few MiB over a directory and sleeps;
servers started with `command_prefix` join its namespace (`nsenter --mount`) and see the
tmpfs there, while every other process on the machine sees the plain directory. The test
reaches the tmpfs through `/proc/<holder>/root`, to fill it with a file until the kernel says
ENOSPC and to free it by deleting that file. Needs root (CAP_SYS_ADMIN) and the util-linux
tools; `available()` says whether this machine allows it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

SIZE = "8m"
_CHUNK = b"\0" * 65536


def available() -> bool:
    """Whether this process may mount a tmpfs in a namespace of its own."""
    if shutil.which("unshare") is None or shutil.which("nsenter") is None:
        return False
    probe = subprocess.run(
        [
            "unshare",
            "--mount",
            "--propagation",
            "private",
            "--",
            "mount",
            "-t",
            "tmpfs",
            "tmpfs",
            "/mnt",
        ],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


class SmallDisk:
    def __init__(self, holder: subprocess.Popen[str], mount_point: Path) -> None:
        self._holder = holder
        self.mount_point = mount_point
        """The tmpfs's path inside the namespace: the data directory to give the server."""
        self._filler: Path | None = None

    @property
    def command_prefix(self) -> tuple[str, ...]:
        return ("nsenter", f"--target={self._holder.pid}", "--mount", "--")

    def outside(self, relative: str = "") -> Path:
        """A path on the tmpfs as this (outside) process reaches it."""
        return Path(f"/proc/{self._holder.pid}/root") / str(self.mount_point).lstrip("/") / relative

    def fill(self) -> None:
        """Write a file until the disk has not one byte left (ENOSPC from the kernel)."""
        self._filler = self.outside(f"filler-{len(list(self.outside().iterdir()))}")
        fd = os.open(self._filler, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            chunk = _CHUNK
            while chunk:
                try:
                    os.write(fd, chunk)
                except OSError as error:
                    if error.errno != 28:  # ENOSPC
                        raise
                    chunk = chunk[: len(chunk) // 2]  # fill the last partial pages too
        finally:
            os.close(fd)
        assert os.statvfs(self.outside()).f_bavail == 0

    def free(self) -> None:
        assert self._filler is not None, "free() after fill()"
        self._filler.unlink()
        self._filler = None

    def remount(self, option: str) -> None:
        """`ro` or `rw`: the file system's mode, as `mount -o remount` sets it."""
        subprocess.run(
            [*self.command_prefix, "mount", "-o", f"remount,{option}", str(self.mount_point)],
            check=True,
        )


@contextlib.contextmanager
def small_disk(mount_point: Path, size: str = SIZE) -> Iterator[SmallDisk]:
    """A tmpfs of `size` over `mount_point` (an existing empty directory), in a private
    mount namespace that lives as long as the block."""
    holder = subprocess.Popen(
        [
            "unshare",
            "--mount",
            "--propagation",
            "private",
            "--",
            "sh",
            "-c",
            'mount -t tmpfs -o "size=$1" tmpfs "$2" && echo mounted && exec sleep 3600',
            "sh",
            size,
            str(mount_point),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    line = holder.stdout.readline()
    if line.strip() != "mounted":
        holder.kill()
        holder.wait()
        raise RuntimeError(f"could not mount a tmpfs at {mount_point}: {line!r}")
    try:
        yield SmallDisk(holder, mount_point)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
