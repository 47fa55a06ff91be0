"""A token's subject is echoed in STS's XML answer: it must never break the document.

Attack 8 of the outside review: control characters in an ID token's `sub` produced a 200
whose XML botocore could not parse. Such tokens are refused as invalid, and whatever text
reaches an XML answer is escaped."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.e2e.js.federation import CLIENT_ID, Federation, federation

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def fed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Federation]:
    with federation(tmp_path_factory.mktemp("token-subjects")) as running:
        yield running


@pytest.fixture(scope="module")
def role(fed: Federation) -> str:
    statement = {"Effect": "Allow", "Action": "dynamodb:ListTables", "Resource": "*"}
    return fed.create_role("SubjectRole", statement)


def _token(fed: Federation, **claims: Any) -> str:
    """A token the IdP's own key signs: only its claims are under attack."""
    jwk = next(k for k in fed.idp_private_keys() if k["kty"] == "RSA")
    key = RSAKey.import_key(jwk)
    now = int(time.time())
    body = {"iss": fed.idp.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 600, **claims}
    return jwt.encode({"alg": "RS256", "kid": key.kid}, body, key, algorithms=["RS256"])


def test_control_a_plain_subject_is_echoed(fed: Federation, role: str) -> None:
    answer = fed.exchange(role, _token(fed, sub="mallory"), "mallory")
    assert answer["SubjectFromWebIdentityToken"] == "mallory"


@pytest.mark.parametrize("subject", ["evil\x01user", "nul\x00here", "bell\x07", "esc\x1b[31m"])
def test_control_characters_in_the_subject_are_refused(
    fed: Federation, role: str, subject: str
) -> None:
    with pytest.raises(ClientError) as raised:  # a parseable error, not a broken 200
        fed.exchange(role, _token(fed, sub=subject), "mallory")
    error = raised.value.response
    assert error["Error"]["Code"] == "InvalidIdentityToken"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_markup_in_the_subject_is_escaped(fed: Federation, role: str) -> None:
    subject = "<Credentials>&amp;\"'</Credentials>"
    answer = fed.exchange(role, _token(fed, sub=subject), "mallory")
    assert answer["SubjectFromWebIdentityToken"] == subject
    assert answer["Credentials"]["AccessKeyId"].startswith("ASIA")
