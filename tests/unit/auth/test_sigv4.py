"""SigV4 verification against requests signed by botocore's own signer."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlsplit

import pytest
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from dynafed.auth import sigv4
from dynafed.auth.authenticator import AdminCredentials, Authenticator
from dynafed.core.clock import FixedClock
from dynafed.errors import (
    IncompleteSignatureException,
    InvalidSignatureException,
    MissingAuthenticationTokenException,
    UnrecognizedClientException,
)

KEY = AdminCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
SIGNED_AT = dt.datetime(2026, 11, 22, 12, 0, 0, tzinfo=dt.UTC)
NOW = SIGNED_AT.timestamp()


def _freeze(monkeypatch: pytest.MonkeyPatch) -> None:
    class Frozen(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:  # type: ignore[override]
            return SIGNED_AT

        @classmethod
        def utcnow(cls) -> dt.datetime:  # type: ignore[override]
            return SIGNED_AT.replace(tzinfo=None)

    monkeypatch.setattr("botocore.auth.datetime.datetime", Frozen)


def _signed(
    monkeypatch: pytest.MonkeyPatch,
    *,
    url: str = "http://127.0.0.1:8000/",
    body: bytes = b'{"TableName":"GameScores"}',
    headers: Mapping[str, str] | None = None,
    service: str = "dynamodb",
    secret: str = KEY.secret_access_key,
) -> sigv4.HttpRequest:
    _freeze(monkeypatch)
    request = AWSRequest(
        method="POST",
        url=url,
        data=body,
        headers={
            "X-Amz-Target": "DynamoDB_20120810.GetItem",
            "Content-Type": "application/x-amz-json-1.0",
            **(headers or {}),
        },
    )
    SigV4Auth(Credentials(KEY.access_key_id, secret), service, "us-east-1").add_auth(request)
    return _as_received(request)


def _as_received(request: AWSRequest) -> sigv4.HttpRequest:
    parts = urlsplit(request.url)
    headers = [(name.lower(), value) for name, value in request.headers.items()]
    headers.append(("host", parts.netloc))
    body = request.body if isinstance(request.body, bytes) else (request.body or "").encode()
    return sigv4.HttpRequest(
        "POST" if request.method == "POST" else request.method,
        parts.path or "/",
        parts.query,
        headers,
        body,
    )


def _authenticate(
    request: sigv4.HttpRequest, now: float = NOW, services: tuple[str, ...] = ("dynamodb",)
) -> None:
    authenticator = Authenticator(KEY, "123456789012", FixedClock(now))
    authenticator.authenticate(request, dict(parse_qsl(request.raw_query)), services)


def test_botocore_signed_request_verifies(monkeypatch: pytest.MonkeyPatch) -> None:
    _authenticate(_signed(monkeypatch))


def test_path_and_query_encoding_match_botocore(monkeypatch: pytest.MonkeyPatch) -> None:
    request = _signed(monkeypatch, url="http://127.0.0.1:8000/a%20b/./c?b=2&a=%2F&a=1&empty=")
    _authenticate(request)


def test_tampered_body_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    request = _signed(monkeypatch)
    tampered = sigv4.HttpRequest(
        request.method,
        request.raw_path,
        request.raw_query,
        request.headers,
        b'{"TableName":"Other"}',
    )
    with pytest.raises(InvalidSignatureException, match="does not match"):
        _authenticate(tampered)


def test_wrong_secret_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InvalidSignatureException):
        _authenticate(_signed(monkeypatch, secret="not-the-secret"))


def test_unknown_key_is_unrecognized(monkeypatch: pytest.MonkeyPatch) -> None:
    request = _signed(monkeypatch)
    authenticator = Authenticator(AdminCredentials("AKIAOTHER", "x"), "1", FixedClock(NOW))
    with pytest.raises(UnrecognizedClientException, match="security token included"):
        authenticator.authenticate(request, {}, ("dynamodb",))


def test_header_whitespace_and_case_are_canonicalised(monkeypatch: pytest.MonkeyPatch) -> None:
    request = _signed(monkeypatch, headers={"X-Custom": "a   b  c"})
    # Re-send the same header with other case and extra inner spaces: same canonical form.
    resent = [(k, "  a b    c " if k == "x-custom" else v) for k, v in request.headers]
    _authenticate(
        sigv4.HttpRequest(request.method, request.raw_path, request.raw_query, resent, request.body)
    )


def test_authorization_header_without_spaces_after_commas(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    request = _signed(monkeypatch)
    squeezed = [
        (k, v.replace(", ", ",") if k == "authorization" else v) for k, v in request.headers
    ]
    _authenticate(
        sigv4.HttpRequest(
            request.method, request.raw_path, request.raw_query, squeezed, request.body
        )
    )


def test_signature_expired_after_fifteen_minutes(monkeypatch: pytest.MonkeyPatch) -> None:
    request = _signed(monkeypatch)
    with pytest.raises(InvalidSignatureException) as caught:
        _authenticate(request, NOW + 16 * 60)
    assert caught.value.message == (
        "Signature expired: 20261122T120000Z is now earlier than 20261122T120100Z "
        "(20261122T121600Z - 15 min.)"
    )


def test_signature_not_yet_current(monkeypatch: pytest.MonkeyPatch) -> None:
    request = _signed(monkeypatch)
    with pytest.raises(InvalidSignatureException) as caught:
        _authenticate(request, NOW - 16 * 60)
    assert caught.value.message.startswith(
        "Signature not yet current: 20261122T120000Z is still later than 20261122T115900Z"
    )


def test_within_skew_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    _authenticate(_signed(monkeypatch), NOW + 14 * 60)


@pytest.mark.parametrize(
    "amz_date",
    ["2026-11-22T12:00:00Z", "20261122T120000", "20261322T120000Z", "20260230T120000Z",
     "20261122T240000Z", "20261122T12000Z0", "2026112２T120000Z", ""],
)  # fmt: skip
def test_x_amz_date_must_be_iso8601_basic_format(amz_date: str) -> None:
    """AWS answers IncompleteSignature naming the date it got ("Elements of an AWS API
    request signature": X-Amz-Date is YYYYMMDD'T'HHMMSS'Z')."""
    request = sigv4.HttpRequest(
        "POST",
        "/",
        "",
        [
            ("host", "x"),
            ("x-amz-date", amz_date),
            (
                "authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/us-east-1/dynamodb/aws4_request,"
                " SignedHeaders=host;x-amz-date, Signature=00",
            ),
        ],
        b"{}",
    )
    with pytest.raises(IncompleteSignatureException) as caught:
        _authenticate(request)
    assert caught.value.message == (
        f"Date must be in ISO-8601 'basic format'. Got '{amz_date}'. "
        "See http://en.wikipedia.org/wiki/ISO_8601"
    )


def test_unsigned_request_is_missing_token() -> None:
    request = sigv4.HttpRequest("POST", "/", "", [("host", "x")], b"{}")
    with pytest.raises(MissingAuthenticationTokenException):
        _authenticate(request)


def test_incomplete_authorization_header() -> None:
    request = sigv4.HttpRequest(
        "POST",
        "/",
        "",
        [
            ("host", "x"),
            ("x-amz-date", "20261122T120000Z"),
            (
                "authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/us-east-1/dynamodb/aws4_request",
            ),
        ],
        b"{}",
    )
    with pytest.raises(IncompleteSignatureException, match="'Signature' parameter"):
        _authenticate(request)


def test_presigned_query_verifies_and_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    _freeze(monkeypatch)
    request = AWSRequest(
        method="GET", url="http://127.0.0.1:8000/?Action=GetCallerIdentity&Version=2011-06-15"
    )
    SigV4QueryAuth(
        Credentials(KEY.access_key_id, KEY.secret_access_key), "sts", "us-east-1", expires=60
    ).add_auth(request)
    received = _as_received(request)
    received = sigv4.HttpRequest(
        "GET",
        received.raw_path,
        received.raw_query,
        [h for h in received.headers if h[0] == "host"],
        b"",
    )
    _authenticate(received, services=("sts",))
    with pytest.raises(InvalidSignatureException, match="Signature expired"):
        _authenticate(received, NOW + 61, services=("sts",))


def test_signing_key_is_cached() -> None:
    sigv4.signing_key.cache_clear()
    for _ in range(3):
        sigv4.signing_key("secret", "20261122", "us-east-1", "dynamodb")
    assert sigv4.signing_key.cache_info().hits == 2


def _with(request: sigv4.HttpRequest, **changes: object) -> sigv4.HttpRequest:
    fields = {
        "method": request.method,
        "raw_path": request.raw_path,
        "raw_query": request.raw_query,
        "headers": request.headers,
        "body": request.body,
        **changes,
    }
    return sigv4.HttpRequest(**fields)  # type: ignore[arg-type]


def test_declared_payload_hash_is_checked_against_the_body(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    declared = hashlib.sha256(b'{"TableName":"GameScores"}').hexdigest()
    request = _signed(monkeypatch, headers={"X-Amz-Content-SHA256": declared})
    _authenticate(request)
    with pytest.raises(InvalidSignatureException, match="x-amz-content-sha256"):
        _authenticate(_with(request, body=b'{"TableName":"Other"}'))


def test_unsigned_payload_is_refused_on_header_signatures(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    request = _signed(monkeypatch, headers={"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"})
    with pytest.raises(InvalidSignatureException, match="x-amz-content-sha256"):
        _authenticate(request)


def test_scope_must_name_the_serving_service(monkeypatch: pytest.MonkeyPatch) -> None:
    request = _signed(monkeypatch, service="sts")
    with pytest.raises(InvalidSignatureException, match="scoped to correct service: 'dynamodb'"):
        _authenticate(request)
    _authenticate(request, services=("sts", "iam"))


def test_required_header_must_be_signed(monkeypatch: pytest.MonkeyPatch) -> None:
    request = _signed(monkeypatch)
    signed = sigv4.parse_signed_request(request, {})
    sigv4.check_header_signed(signed, "x-amz-target")
    unsigned = sigv4.SignedRequest(
        signed.credential,
        tuple(name for name in signed.signed_headers if name != "x-amz-target"),
        signed.signature,
        signed.amz_date,
        None,
        None,
    )
    with pytest.raises(InvalidSignatureException, match="'x-amz-target' must be a signed"):
        sigv4.check_header_signed(unsigned, "x-amz-target")


def test_presigned_url_with_a_body_must_sign_the_body(monkeypatch: pytest.MonkeyPatch) -> None:
    """UNSIGNED-PAYLOAD binds no body: a presigned URL may not carry one."""
    _freeze(monkeypatch)
    request = AWSRequest(
        method="POST", url="http://127.0.0.1:8000/?Action=GetCallerIdentity&Version=2011-06-15"
    )
    SigV4QueryAuth(
        Credentials(KEY.access_key_id, KEY.secret_access_key), "sts", "us-east-1", expires=60
    ).add_auth(request)
    received = _as_received(request)
    hosted = [h for h in received.headers if h[0] == "host"]
    _authenticate(_with(received, headers=hosted, body=b""), services=("sts",))
    with pytest.raises(InvalidSignatureException):
        _authenticate(_with(received, headers=hosted, body=b"Action=AssumeRole"), services=("sts",))
