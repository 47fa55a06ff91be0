"""Real DynamoDB requests, signed once before the clock starts.

botocore builds every request: its DynamoDB service model and JSON serializer make the body
and headers an AWS SDK sends, and its SigV4 signer (botocore.auth.SigV4Auth) signs them. The
load phase then replays the raw bytes, so the generator does no signing or JSON work while it
is timed. (Going through a whole botocore client per request, with a hook that captures instead
of sending, gives the same bytes at four times the cost: endpoint rules, user-agent assembly,
events. The one difference, a User-Agent header, is added here; it is never signed.)
DynamoDB accepts a signature for 15 minutes after its X-Amz-Date.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import botocore
import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSPreparedRequest, AWSRequest
from botocore.credentials import Credentials as BotocoreCredentials
from botocore.serialize import create_serializer

SIGNATURE_LIFETIME_S = 15 * 60
# Replay a signed set only while it is comfortably younger than the lifetime above.
REUSE_SIGNATURES_FOR_S = 10 * 60
USER_AGENT = f"Botocore/{botocore.__version__} dynafed-bench"
_HOP_HEADERS = {"host", "content-length", "connection"}
_SERVICE = "dynamodb"


@dataclass(frozen=True, slots=True)
class Credentials:
    access_key_id: str
    secret_access_key: str
    session_token: str | None = None


@dataclass(frozen=True, slots=True)
class SignedRequest:
    operation: str
    raw: bytes
    """The whole HTTP/1.1 request: request line, headers, blank line, body."""
    body: bytes


class RequestSigner:
    """Turns DynamoDB operation parameters into signed raw HTTP requests for one endpoint."""

    def __init__(self, endpoint: str, region: str, credentials: Credentials) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.access_key_id = credentials.access_key_id
        self.created = time.monotonic()
        self._model = botocore.session.get_session().get_service_model(_SERVICE)
        self._serializer = create_serializer(self._model.metadata["protocol"])
        self._auth = SigV4Auth(
            BotocoreCredentials(
                credentials.access_key_id,
                credentials.secret_access_key,
                credentials.session_token,
            ),
            _SERVICE,
            region,
        )

    def sign(self, operation: str, **params: Any) -> SignedRequest:
        """`operation` is the API name, e.g. "GetItem"; the parameters are validated against
        botocore's model, as a client would."""
        model = self._model.operation_model(operation)
        serialized = self._serializer.serialize_to_request(params, model)
        request = AWSRequest(
            method=serialized["method"],
            url=self.endpoint + serialized["url_path"],
            headers={**serialized["headers"], "User-Agent": USER_AGENT},
            data=serialized["body"],
        )
        self._auth.add_auth(request)
        return _to_raw(request.prepare())


def _to_raw(request: AWSPreparedRequest) -> SignedRequest:
    url = urlsplit(request.url)
    target = url.path or "/"
    if url.query:
        target += "?" + url.query
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode()
    elif not isinstance(body, bytes):
        body = body.read()
    lines = [f"{request.method} {target} HTTP/1.1", f"Host: {url.netloc}"]
    for name, value in request.headers.items():
        if name.lower() in _HOP_HEADERS:
            continue
        text = value.decode("latin-1") if isinstance(value, bytes) else value
        lines.append(f"{name}: {text}")
    lines.append(f"Content-Length: {len(body)}")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    operation = request.headers.get("X-Amz-Target", b"")
    if isinstance(operation, bytes):
        operation = operation.decode()
    return SignedRequest(operation=operation.rpartition(".")[2], raw=head + body, body=body)
