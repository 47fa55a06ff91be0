"""Callback URL matching: exact, except the port and the name of the loopback interface."""

from __future__ import annotations

import pytest

from dynafed.userpool.callbacks import is_registered

DEMO = ["http://127.0.0.1:8000/app/"]


def test_exact_match() -> None:
    assert is_registered("http://127.0.0.1:8000/app/", DEMO)


@pytest.mark.parametrize(
    "uri",
    [
        "http://127.0.0.1:8123/app/",  # restarted on another port
        "http://localhost:8000/app/",  # opened under localhost
        "http://[::1]:9000/app/",
        "http://localhost/app/",
    ],
)
def test_loopback_on_any_port_and_name(uri: str) -> None:
    assert is_registered(uri, DEMO)


@pytest.mark.parametrize(
    "uri",
    [
        "http://127.0.0.1:8000/other/",  # another path
        "https://127.0.0.1:8000/app/",  # another scheme
        "http://127.0.0.1:8000/app/?next=x",  # another query
        "http://evil.example:8000/app/",  # not loopback
        "http://127.0.0.1.evil.example/app/",
        "http://user@127.0.0.1:8000/app/",
        "http://127.0.0.1:99999/app/",
        "http://127.0.0.1:8000/app/#frag",
    ],
)
def test_anything_else_is_refused(uri: str) -> None:
    assert not is_registered(uri, DEMO)


def test_non_loopback_registrations_match_exactly() -> None:
    registered = ["https://game.example.com/app/"]
    assert is_registered("https://game.example.com/app/", registered)
    assert not is_registered("https://game.example.com:444/app/", registered)
