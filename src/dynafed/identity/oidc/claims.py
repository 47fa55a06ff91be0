"""Checks on an ID token's registered claims, worded and classified the way STS does it.

Order and errors follow sts-identity.md §1.6 and iam-fgac.md §4.5: an expired token is
`ExpiredTokenException` (not `InvalidIdentityToken`), a missing `aud` or one that is not in
the provider's ClientIDList is `InvalidIdentityToken`
(https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from dynafed.errors import ExpiredToken, InvalidIdentityToken
from dynafed.identity import messages
from dynafed.identity.verified import printable


@dataclass(frozen=True, slots=True)
class TimeRules:
    leeway: float = 60.0
    """Tolerated clock difference with the provider, for `exp`, `nbf` and `iat`."""
    max_age: float | None = 86_400.0
    """Reject tokens issued longer ago than this ("Token too old"); None disables it."""


@dataclass(frozen=True, slots=True)
class TokenTimes:
    expires_at: int
    issued_at: int | None


def numeric_date(claims: Mapping[str, Any], name: str) -> int | None:
    """A NumericDate claim; AWS accepts only integers (sts-identity.md §1.6)."""
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidIdentityToken(messages.NOT_VALIDATED)
    return value


def check_times(claims: Mapping[str, Any], now: float, rules: TimeRules) -> TokenTimes:
    exp = numeric_date(claims, "exp")
    nbf = numeric_date(claims, "nbf")
    iat = numeric_date(claims, "iat")
    numeric_date(claims, "auth_time")
    if exp is None:
        raise InvalidIdentityToken(messages.MISSING_CLAIM.format(claim="exp"))
    if now >= exp + rules.leeway:
        raise ExpiredToken(messages.TOKEN_EXPIRED.format(now=int(now), exp=exp))
    if iat is not None and rules.max_age is not None and now - iat > rules.max_age:
        raise ExpiredToken(messages.TOKEN_TOO_OLD.format(age=int(now - iat)))
    not_yet_valid = (nbf is not None and nbf > now + rules.leeway) or (
        iat is not None and iat > now + rules.leeway
    )
    if not_yet_valid:
        raise InvalidIdentityToken(messages.NOT_VALIDATED)
    return TokenTimes(expires_at=exp, issued_at=iat)


def audiences(claims: Mapping[str, Any]) -> tuple[str, ...]:
    """The `aud` claim as a tuple (it may be a string or an array of strings)."""
    aud = claims.get("aud")
    if aud is None or aud == []:
        raise InvalidIdentityToken(messages.MISSING_CLAIM.format(claim="aud"))
    values = [aud] if isinstance(aud, str) else aud
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise InvalidIdentityToken(messages.NOT_VALIDATED)
    return tuple(values)


def matched_client_id(claims: Mapping[str, Any], client_ids: Collection[str]) -> str:
    """The registered client id the token was issued to: `azp` when it names a registered
    client (Google hybrid apps, Cognito's documented rule), else the first registered `aud`."""
    aud = audiences(claims)
    azp = claims.get("azp")
    if azp is not None and not isinstance(azp, str):
        raise InvalidIdentityToken(messages.NOT_VALIDATED)
    if azp is not None and azp in client_ids:
        return azp
    match = next((a for a in aud if a in client_ids), None)
    if match is None:
        raise InvalidIdentityToken(messages.INCORRECT_AUDIENCE)
    return match


def subject(claims: Mapping[str, Any]) -> str:
    sub = claims.get("sub")
    if sub is None or sub == "":
        raise InvalidIdentityToken(messages.MISSING_CLAIM.format(claim="sub"))
    if not isinstance(sub, str):
        raise InvalidIdentityToken(messages.NOT_VALIDATED)
    return printable(sub)
