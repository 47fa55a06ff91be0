"""A hand-rolled SigV4 signer for attacks an SDK would never send: a body swapped under a
signature, an unsigned operation header, a scope for the wrong service.

Written from the IAM User Guide's "Create a signed AWS API request", independently of
`dynafed.auth.sigv4`, so a bug shared by signer and verifier cannot hide itself."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

import requests

from tests.support.server_process import ServerProcess


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


@dataclass
class RawRequest:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes
    signed_headers: list[str] = field(default_factory=list)

    def send(self, body: bytes | None = None, timeout: float = 30) -> requests.Response:
        """Send as signed, or with `body` swapped in after signing."""
        session = requests.Session()
        session.trust_env = False
        data = self.body if body is None else body
        headers = {**self.headers, "content-length": str(len(data))}
        return session.request(self.method, self.url, headers=headers, data=data, timeout=timeout)


def sign(
    server: ServerProcess,
    *,
    body: bytes,
    headers: Mapping[str, str],
    service: str,
    region: str | None = None,
    access_key: str | None = None,
    secret_key: str | None = None,
    session_token: str | None = None,
    unsigned: tuple[str, ...] = (),
    payload_hash: str | None = None,
    method: str = "POST",
    path: str = "/",
    now: datetime | None = None,
) -> RawRequest:
    """A header-signed request. `unsigned` names headers sent but left out of SignedHeaders;
    `payload_hash` replaces the body's real hash in the canonical request (and is sent as
    `x-amz-content-sha256`)."""
    moment = now or datetime.now(UTC)
    amz_date = moment.strftime("%Y%m%dT%H%M%SZ")
    region = region or server.region
    host = urlsplit(server.endpoint).netloc
    all_headers = {name.lower(): value for name, value in headers.items()}
    all_headers.update({"host": host, "x-amz-date": amz_date})
    if session_token is not None:
        all_headers["x-amz-security-token"] = session_token
    hashed = payload_hash if payload_hash is not None else hashlib.sha256(body).hexdigest()
    if payload_hash is not None:
        all_headers["x-amz-content-sha256"] = payload_hash
    signed_names = sorted(name for name in all_headers if name not in unsigned)
    canonical = "\n".join(
        [
            method,
            quote(path, safe="/~"),
            "",
            "".join(f"{name}:{' '.join(all_headers[name].split())}\n" for name in signed_names),
            ";".join(signed_names),
            hashed,
        ]
    )
    scope = f"{amz_date[:8]}/{region}/{service}/aws4_request"
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    key = ("AWS4" + (secret_key or server.secret_key)).encode()
    for part in (amz_date[:8], region, service, "aws4_request"):
        key = _hmac(key, part)
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    all_headers["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={access_key or server.access_key}/{scope}, "
        f"SignedHeaders={';'.join(signed_names)}, Signature={signature}"
    )
    del all_headers["host"]  # requests sets it from the URL, to the same value
    return RawRequest(method, server.endpoint + path, all_headers, body, signed_names)


def dynamodb_request(
    server: ServerProcess, operation: str, body: bytes, **options: object
) -> RawRequest:
    """A DynamoDB JSON 1.0 request, signed for `dynamodb` unless `service=` says otherwise."""
    headers = {
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": f"DynamoDB_20120810.{operation}",
        **dict(options.pop("headers", {}) or {}),  # type: ignore[call-overload]
    }
    service = str(options.pop("service", "dynamodb"))
    return sign(server, body=body, headers=headers, service=service, **options)  # type: ignore[arg-type]


def query_request(
    server: ServerProcess, service: str, body: bytes, **options: object
) -> RawRequest:
    """A Query-protocol (STS, IAM) form POST."""
    headers = {"content-type": "application/x-www-form-urlencoded; charset=utf-8"}
    return sign(server, body=body, headers=headers, service=service, **options)  # type: ignore[arg-type]
