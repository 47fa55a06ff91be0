"""Which request paths the edge refuses (`malformed_path`, server/http_connection.py)."""

from __future__ import annotations

import pytest

from dynafed.server.http_connection import malformed_path


@pytest.mark.parametrize(
    "target",
    [b"/", b"/health", b"/app/index.html", b"/app/a%20b.js", b"/idp/p/%2Ewell-known/x",
     b"/?Action=GetCallerIdentity&x=%00", b"/app/caf%C3%A9", b"/a/./b", b"/..a/b..", b"*"],
)  # fmt: skip
def test_ordinary_paths_pass(target: bytes) -> None:
    assert malformed_path(target) is None


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        (b"/app/%00", "control character"),
        (b"/app/%0d%0a", "control character"),
        (b"/%ff", "not UTF-8"),
        (b"/%c0%ae%c0%ae", "not UTF-8"),
        (b"/%zz", "broken percent-escape"),
        (b"/%4", "broken percent-escape"),
        (b"/..", "'..' segment"),
        (b"/app/%2e%2E/x", "'..' segment"),
        (b"/app/..%2fetc", "'..' segment"),
        (b"http://host/app/%00", "control character"),
    ],
)
def test_malformed_paths_say_why(target: bytes, reason: str) -> None:
    found = malformed_path(target)
    assert found is not None and reason in found
