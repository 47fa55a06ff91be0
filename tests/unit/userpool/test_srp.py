"""The server side of Cognito's SRP (`userpool/srp.py`) against pycognito's client math, an
independent implementation of the same protocol: the key both sides derive, the claim's
signature, and what the server refuses (A ≡ 0, a malformed timestamp, a wrong password)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

import pytest
from pycognito.aws_srp import AWSSRP

from dynafed.userpool import srp

POOL = "us-east-1_AbC123xyz"


def client(password: str) -> AWSSRP:
    return AWSSRP(username="alice", password=password, pool_id=POOL, client_id="c", client=object())


def setup() -> tuple[str, str, srp.ServerHello]:
    salt = srp.salt_hex(os.urandom(16))
    verifier = srp.verifier(POOL, "alice", "alice-password", salt)
    hello = srp.server_hello(verifier, os.urandom(32))
    assert hello is not None
    return salt, verifier, hello


def signature(key: bytes, block: str, timestamp: str) -> str:
    message = b"AbC123xyz" + b"alice" + base64.b64decode(block) + timestamp.encode()
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


def test_server_and_client_derive_the_same_key_and_the_claim_verifies() -> None:
    salt, verifier, hello = setup()
    alice = client("alice-password")
    client_key = alice.get_password_authentication_key("alice", "alice-password", hello.big_b, salt)
    server_key = srp.password_key(alice.large_a_value, hello, verifier)
    assert server_key == client_key and len(client_key) == 16
    block = base64.b64encode(os.urandom(64)).decode()
    stamp = "Mon Dec 7 06:05:09 UTC 2026"
    assert srp.claim_matches(
        server_key, POOL, "alice", block, stamp, signature(client_key, block, stamp)
    )


def test_a_wrong_password_derives_another_key() -> None:
    salt, verifier, hello = setup()
    mallory = client("guessed-password")
    guessed = mallory.get_password_authentication_key(
        "alice", "guessed-password", hello.big_b, salt
    )
    assert srp.password_key(mallory.large_a_value, hello, verifier) != guessed


@pytest.mark.parametrize("srp_a", ["0", srp.N_HEX, format(srp.N * 2, "x"), "not-hex"])
def test_a_client_value_that_would_fix_the_secret_is_refused(srp_a: str) -> None:
    assert srp.parse_a(srp_a) is None


@pytest.mark.parametrize(
    ("stamp", "valid"),
    [
        ("Mon Dec 7 06:05:09 UTC 2026", True),
        ("Thu Jan 29 23:59:59 UTC 2026", True),
        ("Mon Dec 07 06:05:09 UTC 2026", False),  # Cognito's `d`: no leading zero
        ("Mon Dec 7 6:05:09 UTC 2026", False),
        ("2026-12-07T06:05:09Z", False),
    ],
)
def test_the_timestamp_format(stamp: str, valid: bool) -> None:
    salt, _, hello = setup()
    alice = client("alice-password")
    key = alice.get_password_authentication_key("alice", "alice-password", hello.big_b, salt)
    block = base64.b64encode(b"block").decode()
    assert (
        srp.claim_matches(key, POOL, "alice", block, stamp, signature(key, block, stamp)) is valid
    )


def test_salts_read_back_the_same_in_every_client() -> None:
    for _ in range(200):
        salt = srp.salt_hex(os.urandom(16))
        assert srp.pad_hex(int(salt, 16)) == salt == srp.pad_hex(salt)
