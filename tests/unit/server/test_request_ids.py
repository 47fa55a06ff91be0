"""x-amzn-RequestId values: UUID-shaped like AWS's, unique, and distinct across workers."""

from __future__ import annotations

import os
import secrets
import uuid

from dynafed.server.app import RequestIds


def test_ids_are_version_4_uuids_and_never_repeat() -> None:
    ids = RequestIds(secrets.token_bytes)
    drawn = [ids.next_id() for _ in range(1000)]
    assert len(set(drawn)) == len(drawn)
    for text in drawn[:3]:
        parsed = uuid.UUID(text)
        assert str(parsed) == text
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122


def test_two_processes_draw_different_prefixes() -> None:
    first = RequestIds(secrets.token_bytes).next_id()
    second = RequestIds(secrets.token_bytes).next_id()
    assert first[:24] != second[:24]


def test_a_forked_worker_does_not_reuse_the_parents_ids() -> None:
    ids = RequestIds(secrets.token_bytes)
    parent = ids.next_id()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report its next id and leave at once
        os.write(write_end, ids.next_id().encode())
        os._exit(0)
    os.close(write_end)
    child = os.read(read_end, 100).decode()
    os.waitpid(pid, 0)
    os.close(read_end)
    assert child[:24] != parent[:24]
    assert ids.next_id() != child
