"""The audit log's line format and the compiled-policy cache."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from dynafed.core.clock import FixedClock
from dynafed.enforcement.audit import iso_time, open_audit_log
from dynafed.enforcement.policy_cache import CompiledPolicies
from dynafed.errors import MalformedPolicyDocument
from dynafed.policy import PolicyKind

POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}],
    }
)


def test_no_target_means_no_log() -> None:
    assert open_audit_log(None, FixedClock(0)) is None


def test_one_json_object_per_line_with_the_time_first(tmp_path: Path) -> None:
    path = tmp_path / "logs" / "audit.jsonl"
    log = open_audit_log(str(path), FixedClock(1_800_000_000.5))
    assert log is not None
    log.record({"event": "authorization", "decision": "Allow"})
    log.record({"event": "sts", "decision": "Deny"})
    log.close()
    lines = path.read_text().splitlines()
    assert [json.loads(line) for line in lines] == [
        {"time": "2027-01-15T08:00:00.500Z", "event": "authorization", "decision": "Allow"},
        {"time": "2027-01-15T08:00:00.500Z", "event": "sts", "decision": "Deny"},
    ]


def test_the_log_is_appended_to_across_restarts(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    for n in range(2):
        log = open_audit_log(str(path), FixedClock(0))
        assert log is not None
        log.record({"n": n})
        log.close()
    assert [json.loads(line)["n"] for line in path.read_text().splitlines()] == [0, 1]


def test_concurrent_writers_never_interleave_inside_a_line(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    log = open_audit_log(str(path), FixedClock(0))
    assert log is not None

    def write(worker: int) -> None:
        for n in range(200):
            log.record({"worker": worker, "n": n, "padding": "x" * 500})

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    log.close()
    events = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(events) == 800
    assert sorted((e["worker"], e["n"]) for e in events) == [
        (w, n) for w in range(4) for n in range(200)
    ]


def test_stdout_log(capsys: pytest.CaptureFixture[str]) -> None:
    log = open_audit_log("-", FixedClock(0))
    assert log is not None
    log.record({"event": "sts"})
    assert json.loads(capsys.readouterr().out) == {"time": iso_time(0), "event": "sts"}


def test_a_policy_is_parsed_once_per_kind() -> None:
    cache = CompiledPolicies()
    first = cache.get(POLICY, PolicyKind.IDENTITY)
    assert cache.get(POLICY, PolicyKind.IDENTITY) is first
    assert cache.get(POLICY, PolicyKind.SESSION) is not first
    assert len(cache) == 2


def test_the_cache_is_bounded_and_keeps_recent_policies() -> None:
    cache = CompiledPolicies(capacity=2)
    texts = [POLICY.replace("GetItem", name) for name in ("GetItem", "PutItem", "Query")]
    first = cache.get(texts[0], PolicyKind.IDENTITY)
    cache.get(texts[1], PolicyKind.IDENTITY)
    cache.get(texts[0], PolicyKind.IDENTITY)  # recently used again
    cache.get(texts[2], PolicyKind.IDENTITY)  # evicts texts[1]
    assert len(cache) == 2
    assert cache.get(texts[0], PolicyKind.IDENTITY) is first


def test_a_malformed_policy_raises_every_time() -> None:
    cache = CompiledPolicies()
    for _ in range(2):
        with pytest.raises(MalformedPolicyDocument):
            cache.get("{not json", PolicyKind.SESSION)
    assert len(cache) == 0
