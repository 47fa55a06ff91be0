"""Attacks on the federation, end to end with a real IdP and unmodified boto3: forged and
doctored ID tokens at STS, and doctored session credentials at DynamoDB and STS. Each gets
AWS's error code, mints nothing and writes nothing.

Token checks follow sts-identity.md §1.6 (RS/ES algorithms only, key by `kid`, signature,
`iss` → IAM provider, `aud` in the ClientIDList, `exp`); credential errors follow §1.5 and
iam-fgac.md §6.1 (DynamoDB: UnrecognizedClientException / InvalidSignatureException; STS:
InvalidClientTokenId / SignatureDoesNotMatch).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.e2e.js.federation import CLIENT_ID, Federation, federation
from tests.support.clients import client

pytestmark = pytest.mark.e2e

INVALID_SESSION_TOKEN = "The security token included in the request is invalid."


@pytest.fixture(scope="module")
def fed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Federation]:
    with federation(tmp_path_factory.mktemp("sts-attacks")) as running:
        yield running


@pytest.fixture(scope="module")
def role(fed: Federation) -> str:
    statement = {
        "Effect": "Allow",
        "Action": ["dynamodb:PutItem", "dynamodb:GetItem"],
        "Resource": fed.table_arn("Vault"),
    }
    return fed.create_role("VaultRole", statement)


@pytest.fixture(scope="module")
def vault(fed: Federation) -> str:
    fed.admin("dynamodb").create_table(
        TableName="Vault",
        AttributeDefinitions=[{"AttributeName": "Id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "Id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return "Vault"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(fed: Federation, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    body = {"iss": fed.idp.issuer, "aud": CLIENT_ID, "sub": "mallory", "iat": now, "exp": now + 600}
    body.update(changes)
    return body


def idp_rsa_key(fed: Federation) -> RSAKey:
    jwk = next(k for k in fed.idp_private_keys() if k["kty"] == "RSA")
    return RSAKey.import_key(jwk)


def sign(key: RSAKey, body: dict[str, Any], kid: str | None = None) -> str:
    header = {"alg": "RS256", "kid": kid if kid is not None else key.kid}
    return jwt.encode(header, body, key, algorithms=["RS256"])


def refused(fed: Federation, role: str, token: str) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as raised:
        fed.exchange(role, token, "mallory")
    error = raised.value.response
    return (
        error["Error"]["Code"],
        error["Error"]["Message"],
        error["ResponseMetadata"]["HTTPStatusCode"],
    )


def test_control_a_token_signed_with_the_idps_own_key_is_accepted(
    fed: Federation, role: str
) -> None:
    """The forgeries below differ from this token in exactly what they attack."""
    answer = fed.exchange(role, sign(idp_rsa_key(fed), claims(fed)), "mallory")
    assert answer["SubjectFromWebIdentityToken"] == "mallory"


def test_a_token_signed_by_another_key_with_the_idps_kid(fed: Federation, role: str) -> None:
    attacker = RSAKey.generate_key(2048, private=True)
    token = sign(attacker, claims(fed), kid=idp_rsa_key(fed).kid)
    code, _, status = refused(fed, role, token)
    assert (code, status) == ("InvalidIdentityToken", 400)


def test_a_token_naming_an_unknown_kid(fed: Federation, role: str) -> None:
    attacker = RSAKey.generate_key(2048, private=True)
    code, message, _ = refused(fed, role, sign(attacker, claims(fed), kid="no-such-kid"))
    assert code == "InvalidIdentityToken"
    assert message.startswith("Couldn't retrieve verification key from your identity provider")


def test_alg_none(fed: Federation, role: str) -> None:
    header = {"alg": "none", "kid": idp_rsa_key(fed).kid, "typ": "JWT"}
    token = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims(fed)).encode())}."
    assert refused(fed, role, token)[0] == "InvalidIdentityToken"


def test_hs256_signed_with_the_idps_public_key(fed: Federation, role: str) -> None:
    """Key confusion: the public key (which anyone can fetch) used as an HMAC secret."""
    public_pem = idp_rsa_key(fed).as_pem(private=False)
    header = {"alg": "HS256", "kid": idp_rsa_key(fed).kid}
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims(fed)).encode())}"
    signature = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    token = f"{signing_input}.{b64(signature)}"
    assert refused(fed, role, token)[0] == "InvalidIdentityToken"


def test_tampered_claims_in_a_real_token(fed: Federation, role: str) -> None:
    head, payload, signature = fed.idp.id_token("alice").split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=="))
    body["sub"] = "admin"
    forged = f"{head}.{b64(json.dumps(body).encode())}.{signature}"
    assert refused(fed, role, forged)[0] == "InvalidIdentityToken"


def test_a_wrong_issuer(fed: Federation, role: str) -> None:
    token = sign(idp_rsa_key(fed), claims(fed, iss="http://127.0.0.1:9/not-registered"))
    assert refused(fed, role, token) == (
        "InvalidIdentityToken",
        "No OpenIDConnect provider found in your account for http://127.0.0.1:9/not-registered",
        400,
    )


def test_a_wrong_audience_from_the_real_idp(fed: Federation, role: str) -> None:
    token = fed.idp.id_token("alice", "dynafed-web-es256")  # a client not registered in IAM
    assert refused(fed, role, token) == ("InvalidIdentityToken", "Incorrect token audience", 400)


def test_an_expired_token_signed_by_the_idp(fed: Federation, role: str) -> None:
    now = int(time.time())
    token = sign(idp_rsa_key(fed), claims(fed, iat=now - 7200, exp=now - 3600))
    code, message, status = refused(fed, role, token)
    assert (code, status) == ("ExpiredTokenException", 400)
    assert message.startswith("Token expired: current date/time")


def test_refused_tokens_are_audited_and_minted_nothing(fed: Federation) -> None:
    refusals = [e for e in fed.audit_events() if e["event"] == "sts" and e["decision"] == "Deny"]
    codes = {e["error"]["code"] for e in refusals}
    assert {"InvalidIdentityToken", "ExpiredTokenException"} <= codes
    assert all("access_key_id" not in e for e in refusals)


# --- doctored session credentials -----------------------------------------------------------


@pytest.fixture(scope="module")
def alice(fed: Federation, role: str) -> dict[str, Any]:
    return fed.credentials(role, "alice")


@pytest.fixture(scope="module")
def bob(fed: Federation, role: str) -> dict[str, Any]:
    return fed.credentials(role, "bob")


def put_as(
    fed: Federation, access_key: str, secret_key: str, token: str | None, item_id: str
) -> tuple[str, str]:
    dynamodb = client(
        fed.server, "dynamodb", access_key=access_key, secret_key=secret_key, session_token=token
    )
    with pytest.raises(ClientError) as raised:
        dynamodb.put_item(TableName="Vault", Item={"Id": {"S": item_id}})
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def assert_nothing_written(fed: Federation, item_id: str) -> None:
    found = fed.admin("dynamodb").get_item(TableName="Vault", Key={"Id": {"S": item_id}})
    assert "Item" not in found


def flip(text: str, at: int) -> str:
    replacement = "A" if text[at] != "A" else "B"
    return text[:at] + replacement + text[at + 1 :]


def test_the_genuine_credentials_work(fed: Federation, vault: str, alice: dict[str, Any]) -> None:
    fed.session_client("dynamodb", alice).put_item(TableName=vault, Item={"Id": {"S": "genuine"}})
    assert fed.admin("dynamodb").get_item(TableName=vault, Key={"Id": {"S": "genuine"}})["Item"]


@pytest.mark.parametrize("position", [2, 20, -30, -1], ids=["key-id", "nonce", "body", "tag"])
def test_a_tampered_session_token(
    fed: Federation, vault: str, alice: dict[str, Any], position: int
) -> None:
    token = alice["SessionToken"]
    tampered = flip(token, position % len(token))
    assert put_as(
        fed, alice["AccessKeyId"], alice["SecretAccessKey"], tampered, f"tampered-{position}"
    ) == ("UnrecognizedClientException", INVALID_SESSION_TOKEN)
    assert_nothing_written(fed, f"tampered-{position}")


def test_a_session_token_swapped_between_sessions(
    fed: Federation, vault: str, alice: dict[str, Any], bob: dict[str, Any]
) -> None:
    assert put_as(
        fed, alice["AccessKeyId"], alice["SecretAccessKey"], bob["SessionToken"], "swapped"
    ) == ("UnrecognizedClientException", INVALID_SESSION_TOKEN)
    assert put_as(
        fed, bob["AccessKeyId"], alice["SecretAccessKey"], alice["SessionToken"], "swapped"
    ) == ("UnrecognizedClientException", INVALID_SESSION_TOKEN)
    assert_nothing_written(fed, "swapped")


def test_a_wrong_secret(fed: Federation, vault: str, alice: dict[str, Any]) -> None:
    wrong = flip(alice["SecretAccessKey"], 5)
    code, _ = put_as(fed, alice["AccessKeyId"], wrong, alice["SessionToken"], "wrong-secret")
    assert code == "InvalidSignatureException"
    assert_nothing_written(fed, "wrong-secret")


def test_a_temporary_key_without_its_session_token(
    fed: Federation, vault: str, alice: dict[str, Any]
) -> None:
    assert put_as(fed, alice["AccessKeyId"], alice["SecretAccessKey"], None, "no-token") == (
        "UnrecognizedClientException",
        INVALID_SESSION_TOKEN,
    )
    assert_nothing_written(fed, "no-token")


StsCall = Callable[[dict[str, Any]], tuple[str, int]]


def sts_error(fed: Federation, access_key: str, secret: str, token: str) -> tuple[str, int]:
    sts = client(fed.server, "sts", access_key=access_key, secret_key=secret, session_token=token)
    with pytest.raises(ClientError) as raised:
        sts.get_caller_identity()
    response = raised.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_sts_names_the_same_failures_its_own_way(
    fed: Federation, alice: dict[str, Any], bob: dict[str, Any]
) -> None:
    key, secret, token = alice["AccessKeyId"], alice["SecretAccessKey"], alice["SessionToken"]
    assert sts_error(fed, key, secret, flip(token, 40)) == ("InvalidClientTokenId", 403)
    assert sts_error(fed, key, secret, bob["SessionToken"]) == ("InvalidClientTokenId", 403)
    assert sts_error(fed, key, flip(secret, 5), token) == ("SignatureDoesNotMatch", 403)
