"""Malformed request paths are refused at the edge (400), never a 500, on every route.

A NUL in a path reached the file system under /app/ and crashed the request (500); other
routes answered by luck (404 from a pool lookup, 400 from a missing Action). The edge now
refuses a path that cannot name anything before any route sees it
(server/http_connection.py): a NUL or control character once decoded, a broken `%` escape,
bytes that are not UTF-8, a `..` segment.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.security.raw_http import get, request
from tests.security.raw_sigv4 import sign
from tests.support.server_process import ServerProcess

MALFORMED = [
    b"%00",  # NUL
    b"a%00b.js",
    b"%0a",  # a line feed, decoded
    b"%7f",
    b"%ff",  # not UTF-8
    b"\xff",  # not even ASCII, as sent
    b"%c0%ae%c0%ae/",  # overlong UTF-8 for "..", not UTF-8 either
    b"%zz",  # a broken escape
    b"%4",
    b"..",
    b"%2e%2e/%2e%2e/etc/passwd",
    b"..%2f..%2fetc%2fpasswd",
]


JSON_VERSION = {
    "dynamodb": "application/x-amz-json-1.0",
    "cognito-identity": "application/x-amz-json-1.1",
}
VALID_BODY = {"dynamodb": b"{}", "cognito-identity": b'{"MaxResults": 10}'}


def _status(server: ServerProcess, target: bytes, method: bytes = b"GET") -> int | None:
    return request(server, get(target, method)).status


def _signed_status(server: ServerProcess, path: bytes, target: str, service: str) -> int | None:
    """A correctly signed JSON call (DynamoDB, Cognito Identity) sent to `path`: these are
    routed by their X-Amz-Target, so before the fix the path was never looked at."""
    signed = sign(
        server,
        body=VALID_BODY[service],
        headers={"content-type": JSON_VERSION[service], "x-amz-target": target},
        service=service,
        path=path.decode("latin-1"),
    )
    headers = b"".join(f"{k}: {v}\r\n".encode() for k, v in signed.headers.items())
    host = urlsplit(server.endpoint).netloc.encode()
    return request(server, get(path, b"POST", headers, VALID_BODY[service], host)).status


def _refusals_missing(answers: dict[bytes, int | None]) -> dict[bytes, int | None]:
    return {target: status for target, status in answers.items() if status != 400}


def test_malformed_paths_under_the_web_app_are_400(server: ServerProcess) -> None:
    answers = {b"/app/" + tail: _status(server, b"/app/" + tail) for tail in MALFORMED}
    answers[b"http://localhost/app/%00"] = _status(server, b"http://localhost/app/%00")
    assert not _refusals_missing(answers)


def test_malformed_paths_under_the_identity_provider_are_400(server: ServerProcess) -> None:
    answers = {}
    for tail in MALFORMED:
        for target, method in [
            (b"/idp/us-east-1_Pool/" + tail, b"GET"),
            (b"/idp/" + tail + b"/.well-known/openid-configuration", b"GET"),
            (b"/idp/us-east-1_Pool/oauth2/" + tail, b"POST"),
        ]:
            answers[method + b" " + target] = _status(server, target, method)
    assert not _refusals_missing(answers)


def test_malformed_paths_under_the_identity_pool_issuer_are_400(server: ServerProcess) -> None:
    answers = {}
    for tail in MALFORMED:
        answers[b"GET " + tail] = _status(server, b"/cognito-identity/.well-known/" + tail)
        answers[b"signed " + tail] = _signed_status(
            server,
            b"/cognito-identity/" + tail,
            "AWSCognitoIdentityService.ListIdentityPools",
            "cognito-identity",
        )
    assert not _refusals_missing(answers)


def test_malformed_paths_at_the_api_root_are_400(server: ServerProcess) -> None:
    answers = {}
    for tail in MALFORMED:
        answers[b"GET " + tail] = _status(server, b"/" + tail)
        answers[b"signed " + tail] = _signed_status(
            server, b"/" + tail, "DynamoDB_20120810.ListTables", "dynamodb"
        )
    assert not _refusals_missing(answers)


def test_well_formed_escapes_still_reach_their_route(server: ServerProcess) -> None:
    """`%2E` in a name and an escaped letter are ordinary paths: routed, not refused."""
    plain = request(server, get(b"/idp/us-east-1_NoSuchPool/.well-known/jwks.json"))
    escaped = request(server, get(b"/idp/us-east-1_NoSuchPool/%2Ewell-known/jwks%2Ejson"))
    assert plain.status == escaped.status != 400
    assert _status(server, b"/%68ealth") == 200
    assert _signed_status(server, b"/", "DynamoDB_20120810.ListTables", "dynamodb") == 200
    pools = "AWSCognitoIdentityService.ListIdentityPools"
    assert _signed_status(server, b"/cognito-identity/", pools, "cognito-identity") == 200
