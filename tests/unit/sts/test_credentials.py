"""Temporary credential shapes (https://docs.aws.amazon.com/STS/latest/APIReference/API_Credentials.html)
and the resolver the authenticator calls for `ASIA…` keys."""

from __future__ import annotations

import random
import re

import pytest

from dynafed.auth.principal import SessionContext, SessionKind, UserContext
from dynafed.errors import ExpiredTokenException, UnrecognizedClientException
from dynafed.sts.credentials import (
    assumed_role_arn,
    issue_credentials,
    new_access_key_id,
    new_secret_access_key,
)
from dynafed.sts.session_resolver import SessionTokenResolver
from dynafed.sts.session_token import Keyring

NOW = 1_800_000_000.0


def session(role_arn: str = "arn:aws:iam::123456789012:role/GameRole") -> SessionContext:
    return SessionContext(
        role_arn=role_arn,
        role_id="AROAEXAMPLEROLEID0001",
        session_name="alice",
        expires_at=NOW + 900,
    )


@pytest.fixture
def keyring() -> Keyring:
    return Keyring.generate(random.Random(1).randbytes, NOW)


def test_access_key_id_shape() -> None:
    ids = {new_access_key_id(random.Random(seed).randbytes) for seed in range(50)}
    assert len(ids) == 50
    assert all(re.fullmatch(r"ASIA[A-Z2-7]{16}", i) for i in ids)


def test_secret_key_shape() -> None:
    secret = new_secret_access_key(random.Random(1).randbytes)
    assert re.fullmatch(r"[A-Za-z0-9+/]{40}", secret)


def test_issued_credentials_open_with_their_own_key_id(keyring: Keyring) -> None:
    creds = issue_credentials(session(), keyring, random.Random(2).randbytes)
    assert creds.expiration == NOW + 900
    secret, principal = SessionTokenResolver(lambda: keyring).resolve(
        creds.access_key_id, creds.session_token, NOW
    )
    assert secret == creds.secret_access_key
    assert principal.access_key_id == creds.access_key_id
    assert principal.arn == "arn:aws:sts::123456789012:assumed-role/GameRole/alice"
    assert principal.user_id == "AROAEXAMPLEROLEID0001:alice"
    assert principal.account_id == "123456789012"
    assert principal.session == session() and not principal.is_admin


def test_resolver_rejects_a_missing_token_and_reports_expiry(keyring: Keyring) -> None:
    creds = issue_credentials(session(), keyring, random.Random(2).randbytes)
    resolver = SessionTokenResolver(lambda: keyring)
    for token in (None, ""):
        with pytest.raises(UnrecognizedClientException):
            resolver.resolve(creds.access_key_id, token, NOW)
    with pytest.raises(ExpiredTokenException):
        resolver.resolve(creds.access_key_id, creds.session_token, NOW + 900)


def test_assumed_role_arn_drops_the_role_path() -> None:
    arn = assumed_role_arn("arn:aws:iam::123456789012:role/app/web/GameRole", "s1")
    assert arn == "arn:aws:sts::123456789012:assumed-role/GameRole/s1"


def test_sessions_a_user_mints_open_as_the_user_or_its_federated_user(keyring: Keyring) -> None:
    user = UserContext("bob", "AIDAEXAMPLEUSERID0001", "/ops/")
    resolver = SessionTokenResolver(lambda: keyring, account_id="123456789012")
    own = SessionContext("", "", "bob", NOW + 900, kind=SessionKind.USER, user=user)
    creds = issue_credentials(own, keyring, random.Random(3).randbytes)
    _, principal = resolver.resolve(creds.access_key_id, creds.session_token, NOW)
    assert principal.arn == "arn:aws:iam::123456789012:user/ops/bob"
    assert principal.user == user and principal.session == own
    assert principal.user_id == user.user_id and not principal.is_admin

    federated = SessionContext(
        "", "", "Carol", NOW + 900, kind=SessionKind.FEDERATED_USER, user=user
    )
    creds = issue_credentials(federated, keyring, random.Random(4).randbytes)
    _, principal = resolver.resolve(creds.access_key_id, creds.session_token, NOW)
    assert principal.arn == "arn:aws:sts::123456789012:federated-user/Carol"
    assert principal.user_id == "123456789012:Carol"
    assert principal.user is None and principal.session == federated

    root = SessionContext("", "", "", NOW + 900, kind=SessionKind.ROOT)
    creds = issue_credentials(root, keyring, random.Random(5).randbytes)
    _, principal = resolver.resolve(creds.access_key_id, creds.session_token, NOW)
    assert principal.arn == "arn:aws:iam::123456789012:root" and principal.is_admin


def test_a_36_hour_session_outlives_a_key_rotation(keyring: Keyring) -> None:
    """GetSessionToken / GetFederationToken sessions last up to 36 hours: the key that sealed
    one keeps opening it that long after the keyring rotates."""
    user = UserContext("bob", "AIDAEXAMPLEUSERID0001", "/")
    longest = SessionContext("", "", "bob", NOW + 129_600, kind=SessionKind.USER, user=user)
    creds = issue_credentials(longest, keyring, random.Random(6).randbytes)
    rotated = keyring.rotated(random.Random(7).randbytes, NOW + 1)
    resolver = SessionTokenResolver(lambda: rotated, account_id="123456789012")
    _, principal = resolver.resolve(creds.access_key_id, creds.session_token, NOW + 129_000)
    assert principal.user == user
