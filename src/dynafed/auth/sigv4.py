"""AWS Signature Version 4: parsing and canonicalisation (pure) and signature checks.

Follows "Create a signed AWS API request" and "Elements of an AWS API request signature"
in the IAM User Guide. Everything here is deterministic: the verifier gets the current
time as an argument.
"""

from __future__ import annotations

import hashlib
import hmac
import posixpath
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import quote, unquote

from dynafed.errors import (
    IncompleteSignatureException,
    InvalidSignatureException,
    MissingAuthenticationTokenException,
)

ALGORITHM = "AWS4-HMAC-SHA256"
MAX_CLOCK_SKEW_SECONDS = 15 * 60
MAX_PRESIGN_EXPIRES_SECONDS = 7 * 24 * 3600
_AMZ_DATE_FORMAT = "%Y%m%dT%H%M%SZ"

SIGNATURE_MISMATCH_MESSAGE = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details."
)


@dataclass(frozen=True, slots=True)
class CredentialScope:
    access_key_id: str
    date: str
    region: str
    service: str

    @property
    def scope(self) -> str:
        return f"{self.date}/{self.region}/{self.service}/aws4_request"


@dataclass(slots=True)
class SignedRequest:
    """The signature material of one request, from its header or its presigned query.
    Treat as immutable (not frozen: built for every request, and a frozen dataclass costs
    three times as much to construct)."""

    credential: CredentialScope
    signed_headers: tuple[str, ...]
    signature: str
    amz_date: str
    security_token: str | None
    presigned_expires: int | None
    """`X-Amz-Expires` of a presigned URL; None for header signatures."""


@dataclass(slots=True)
class HttpRequest:
    """What the canonicaliser needs of an HTTP request, exactly as received. Treat as
    immutable (not frozen: built for every request)."""

    method: str
    raw_path: str
    raw_query: str
    headers: Sequence[tuple[str, str]]
    """Lower-cased names, values as received; a name may repeat."""
    body: bytes
    first_values: dict[str, str] | None = field(default=None, repr=False, compare=False)
    """name -> its first value: given by a caller that has it, else built on the first
    lookup (a request looks up several headers)."""

    def header(self, name: str) -> str | None:
        """The first value of the header `name`, or None."""
        return self.header_index().get(name)

    def header_index(self) -> dict[str, str]:
        first = self.first_values
        if first is None:
            first = self.first_values = dict(reversed(self.headers))  # later duplicates lose
        return first


# --- parsing ------------------------------------------------------------------------------


@lru_cache(maxsize=1024)  # a client signs every request of a day with the same scope
def parse_credential(value: str) -> CredentialScope:
    parts = value.split("/")
    if len(parts) != 5 or parts[4] != "aws4_request" or not parts[0]:
        raise IncompleteSignatureException(
            f"Credential should be scoped to a valid region. Credential={value}"
            if len(parts) == 5
            else f"Credential should be scoped correctly with 5 parts. Credential={value}"
        )
    return CredentialScope(parts[0], parts[1], parts[2], parts[3])


def _parse_authorization_header(header: str) -> dict[str, str]:
    algorithm, _, rest = header.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise IncompleteSignatureException(
            f"Unsupported AWS 'algorithm': '{algorithm}'. Authorization={header}"
            if algorithm.startswith("AWS")
            else f"Authorization header requires 'Credential' parameter. Authorization={header}"
        )
    fields: dict[str, str] = {}
    # Clients separate the fields with "," or ", " (and some with spaces only).
    for part in rest.replace(",", " ").split():
        name, eq, value = part.partition("=")
        if eq:
            fields[name] = value
    if "Credential" not in fields or "Signature" not in fields or "SignedHeaders" not in fields:
        missing = [
            f"Authorization header requires '{name}' parameter."
            for name in ("Credential", "Signature", "SignedHeaders")
            if name not in fields
        ]
        raise IncompleteSignatureException(" ".join(missing) + f" Authorization={header}")
    return fields


def _amz_date(request: HttpRequest, authorization: str) -> str:
    amz_date = request.header("x-amz-date")
    if amz_date is None:
        raise IncompleteSignatureException(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' "
            f"header. Authorization={authorization}"
        )
    return amz_date


def parse_signed_request(request: HttpRequest, query: Mapping[str, str]) -> SignedRequest:
    """The signature material from the Authorization header, else from a presigned query."""
    authorization = request.header("authorization")
    if authorization is not None:
        fields = _parse_authorization_header(authorization)
        return SignedRequest(
            credential=parse_credential(fields["Credential"]),
            signed_headers=tuple(fields["SignedHeaders"].split(";")),
            signature=fields["Signature"],
            amz_date=_amz_date(request, authorization),
            security_token=request.header("x-amz-security-token"),
            presigned_expires=None,
        )
    if "X-Amz-Signature" in query or "X-Amz-Credential" in query:
        return _parse_presigned(query)
    raise MissingAuthenticationTokenException("Request is missing Authentication Token")


def _parse_presigned(query: Mapping[str, str]) -> SignedRequest:
    required = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders")
    missing = [name for name in (*required, "X-Amz-Signature") if name not in query]
    if missing:
        raise IncompleteSignatureException(
            "AWS query-string parameters must include "
            + ", ".join(f"'{name}'" for name in missing)
            + ". Re-examine the query-string parameters."
        )
    if query["X-Amz-Algorithm"] != ALGORITHM:
        raise IncompleteSignatureException(
            f"Unsupported AWS 'algorithm': '{query['X-Amz-Algorithm']}'"
        )
    expires_text = query.get("X-Amz-Expires", str(MAX_PRESIGN_EXPIRES_SECONDS))
    if not expires_text.isdigit() or int(expires_text) > MAX_PRESIGN_EXPIRES_SECONDS:
        raise IncompleteSignatureException(
            "X-Amz-Expires must be a non-negative integer no greater than 604800"
        )
    return SignedRequest(
        credential=parse_credential(query["X-Amz-Credential"]),
        signed_headers=tuple(query["X-Amz-SignedHeaders"].split(";")),
        signature=query["X-Amz-Signature"],
        amz_date=query["X-Amz-Date"],
        security_token=query.get("X-Amz-Security-Token"),
        presigned_expires=int(expires_text),
    )


# --- canonicalisation ---------------------------------------------------------------------


def _encode(text: str) -> str:
    return quote(text, safe="-_.~")


@lru_cache(maxsize=256)  # DynamoDB clients always post to "/"
def canonical_uri(raw_path: str) -> str:
    # Non-S3 services sign the already-encoded path encoded once more (botocore does the
    # same), after removing dot segments.
    path = raw_path or "/"
    normalized = posixpath.normpath(path)
    if path.endswith("/") and normalized != "/":
        normalized += "/"
    if normalized.startswith("//"):
        normalized = "/" + normalized.lstrip("/")
    return quote(normalized, safe="/~")


def canonical_query_string(raw_query: str, *, drop_signature: bool) -> str:
    if not raw_query:
        return ""
    pairs: list[tuple[str, str]] = []
    for part in raw_query.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        name = unquote(name.replace("+", "%20"))
        if drop_signature and name == "X-Amz-Signature":
            continue
        pairs.append((_encode(name), _encode(unquote(value.replace("+", "%20")))))
    pairs.sort()
    return "&".join(f"{name}={value}" for name, value in pairs)


def _fold_whitespace(value: str) -> str:
    return " ".join(value.split())


def canonical_headers(headers: Sequence[tuple[str, str]], signed_headers: Sequence[str]) -> str:
    values: dict[str, list[str]] = {name: [] for name in signed_headers}
    for name, value in headers:
        found = values.get(name)
        if found is not None:
            found.append(" ".join(value.split()))  # _fold_whitespace, inlined: hot path
    return "".join([f"{name}:{','.join(values[name])}\n" for name in signed_headers])


def _request_canonical_headers(request: HttpRequest, signed_headers: Sequence[str]) -> str:
    """`canonical_headers` of a request; without the per-name lists when no header name
    repeats (as with every SDK), since then each signed header has one value."""
    first = request.header_index()
    if len(first) != len(request.headers):
        return canonical_headers(request.headers, signed_headers)
    text = ""
    for name in signed_headers:
        value = first.get(name)
        text += f"{name}:{'' if value is None else ' '.join(value.split())}\n"
    return text


UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
PAYLOAD_HASH_MISMATCH_MESSAGE = (
    "The provided 'x-amz-content-sha256' header does not match what was computed."
)


def payload_hashes(request: HttpRequest, presigned: bool) -> tuple[str, ...]:
    """The payload hashes the signer may have used, most likely first.

    The body is always hashed: a declared `x-amz-content-sha256` is only a claim, and a
    signature over a claim would let anyone who saw one request's headers send any body
    under them. `UNSIGNED-PAYLOAD` binds no body, so it is accepted only on presigned URLs
    that carry none (botocore presigns with it; other signers hash the empty body)."""
    body_hash = hashlib.sha256(request.body).hexdigest()
    unsigned_allowed = presigned and not request.body
    declared = request.header("x-amz-content-sha256")
    declared_unsigned = unsigned_allowed and declared == UNSIGNED_PAYLOAD
    if declared is not None and declared != body_hash and not declared_unsigned:
        raise InvalidSignatureException(PAYLOAD_HASH_MISMATCH_MESSAGE)
    return (UNSIGNED_PAYLOAD, body_hash) if unsigned_allowed else (body_hash,)


def canonical_request(request: HttpRequest, signed: SignedRequest, payload_hash: str) -> str:
    presigned = signed.presigned_expires is not None
    return "\n".join(
        (
            request.method.upper(),
            canonical_uri(request.raw_path),
            canonical_query_string(request.raw_query, drop_signature=presigned),
            _request_canonical_headers(request, signed.signed_headers),
            ";".join(signed.signed_headers),
            payload_hash,
        )
    )


def string_to_sign(amz_date: str, scope: str, canonical: str) -> str:
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return f"{ALGORITHM}\n{amz_date}\n{scope}\n{digest}"


@lru_cache(maxsize=4096)
def signing_key(secret_key: str, date: str, region: str, service: str) -> bytes:
    key = hmac.new(f"AWS4{secret_key}".encode(), date.encode(), hashlib.sha256).digest()
    for part in (region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


_BLOCK = 64  # SHA-256's block size, which HMAC pads the key to (RFC 2104)


@lru_cache(maxsize=4096)
def _hmac_pads(key: bytes) -> tuple[hashlib._Hash, hashlib._Hash]:
    """SHA-256 states after the inner and outer padded key: RFC 2104's HMAC with its key
    schedule done once per signing key (a key serves a client all day) instead of per
    request; half the cost of `hmac.new`."""
    padded = key.ljust(_BLOCK, b"\0")  # signing keys are 32 bytes: never over a block
    inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in padded))
    outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in padded))
    return inner, outer


def _hmac_sha256_hex(key: bytes, message: bytes) -> str:
    inner_state, outer_state = _hmac_pads(key)
    inner = inner_state.copy()
    inner.update(message)
    outer = outer_state.copy()
    outer.update(inner.digest())
    return outer.hexdigest()


def compute_signature(
    secret_key: str, request: HttpRequest, signed: SignedRequest, payload_hash: str
) -> str:
    scope = signed.credential
    key = signing_key(secret_key, scope.date, scope.region, scope.service)
    canonical = canonical_request(request, signed, payload_hash)
    to_sign = string_to_sign(signed.amz_date, scope.scope, canonical)
    return _hmac_sha256_hex(key, to_sign.encode("utf-8"))


# --- verification -------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _signed_at(amz_date: str) -> float:
    """Epoch seconds of an `X-Amz-Date` (`YYYYMMDD'T'HHMMSS'Z'`). Read by slicing, not
    `strptime` (a tenth of the signature check's time), and cached: the requests of one
    second share the text."""
    if (
        len(amz_date) != 16
        or amz_date[8] != "T"
        or amz_date[15] != "Z"
        or not (amz_date[:8] + amz_date[9:15]).isdigit()
        or not amz_date.isascii()
    ):
        raise _bad_date(amz_date)
    try:
        moment = datetime(
            int(amz_date[0:4]),
            int(amz_date[4:6]),
            int(amz_date[6:8]),
            int(amz_date[9:11]),
            int(amz_date[11:13]),
            int(amz_date[13:15]),
            tzinfo=UTC,
        )
    except ValueError:  # month 13, February 30th, hour 24, ...
        raise _bad_date(amz_date) from None
    return moment.timestamp()


def _bad_date(amz_date: str) -> IncompleteSignatureException:
    return IncompleteSignatureException(
        f"Date must be in ISO-8601 'basic format'. Got '{amz_date}'. See "
        "http://en.wikipedia.org/wiki/ISO_8601"
    )


def _format(moment: datetime) -> str:
    return moment.strftime(_AMZ_DATE_FORMAT)


def check_time(signed: SignedRequest, now: float) -> None:
    """Reject requests signed too long ago or too far in the future (clock skew)."""
    signed_ts = _signed_at(signed.amz_date)
    if signed.credential.date != signed.amz_date[:8]:
        raise InvalidSignatureException(
            f"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
            f"from HTTP: '{signed.credential.date}' != '{signed.amz_date[:8]}', from "
            f"ISO-8601 string: '{signed.amz_date}'."
        )
    if signed.presigned_expires is not None:
        if now > signed_ts + signed.presigned_expires:
            raise InvalidSignatureException(
                f"Signature expired: {signed.amz_date} is now earlier than "
                f"{_format(_at(now - signed.presigned_expires))} "
                f"({_format(_at(int(now)))} - {signed.presigned_expires} sec.)"
            )
        if signed_ts > now + MAX_CLOCK_SKEW_SECONDS:
            raise InvalidSignatureException(
                f"Signature not yet current: {signed.amz_date} is still later than "
                f"{_format(_at(now + MAX_CLOCK_SKEW_SECONDS))} "
                f"({_format(_at(int(now)))} + 15 min.)"
            )
        return
    if signed_ts < now - MAX_CLOCK_SKEW_SECONDS:
        raise InvalidSignatureException(
            f"Signature expired: {signed.amz_date} is now earlier than "
            f"{_format(_at(now - MAX_CLOCK_SKEW_SECONDS))} ({_format(_at(int(now)))} - 15 min.)"
        )
    if signed_ts > now + MAX_CLOCK_SKEW_SECONDS:
        raise InvalidSignatureException(
            f"Signature not yet current: {signed.amz_date} is still later than "
            f"{_format(_at(now + MAX_CLOCK_SKEW_SECONDS))} ({_format(_at(int(now)))} + 15 min.)"
        )


def _at(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


def check_service(signed: SignedRequest, services: tuple[str, ...]) -> None:
    """The credential scope must name a service that serves the request (the first of
    `services` is the one to name): a signature for one service never serves another, so
    a presigned STS URL is no DynamoDB credential."""
    if signed.credential.service not in services:
        raise InvalidSignatureException(
            f"Credential should be scoped to correct service: '{services[0]}'. "
        )


def check_region(signed: SignedRequest, serves: Callable[[str], bool]) -> None:
    """The credential scope's region must be one this server serves."""
    region = signed.credential.region
    if not serves(region):
        raise InvalidSignatureException(
            f"Credential should be scoped to a valid region, not '{region}'. "
        )


def check_header_signed(signed: SignedRequest, name: str) -> None:
    """`name` must be among the signed headers. JSON-protocol APIs carry the operation in
    `x-amz-target`; left unsigned, one signed request could be replayed as any operation."""
    if name not in signed.signed_headers:
        raise InvalidSignatureException(
            f"'{name}' must be a signed header. Re-sign the request with '{name}' in SignedHeaders."
        )


def check_signed_headers(request: HttpRequest, signed: SignedRequest) -> None:
    names = signed.signed_headers
    if list(names) != sorted(names) or "host" not in names:
        raise InvalidSignatureException(SIGNATURE_MISMATCH_MESSAGE)
    present = request.header_index()
    for name in names:
        if name not in present:
            raise InvalidSignatureException(SIGNATURE_MISMATCH_MESSAGE)


def verify_signature(secret_key: str, request: HttpRequest, signed: SignedRequest) -> None:
    check_signed_headers(request, signed)
    presigned = signed.presigned_expires is not None
    for payload_hash in payload_hashes(request, presigned):
        expected = compute_signature(secret_key, request, signed, payload_hash)
        if hmac.compare_digest(expected, signed.signature):
            return
    raise InvalidSignatureException(SIGNATURE_MISMATCH_MESSAGE)
