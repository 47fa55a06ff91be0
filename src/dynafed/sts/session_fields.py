"""What a session carries beyond `SessionContext`'s typed fields, and how policies see the
holder of session or admin credentials.

STS writes these into `SessionContext.extra` when it mints credentials; enforcement reads
them back from the opened session token. Keeping the names here means both sides agree.
"""

from __future__ import annotations

from dynafed.auth.principal import Principal, SessionContext
from dynafed.policy import PrincipalType, RequestPrincipal

ISSUED_AT = "issued_at"
"""Epoch seconds at which STS minted the credentials (`aws:TokenIssueTime`)."""
POLICY_ARNS = "policy_arns"
"""The managed session policies (`PolicyArns`), by ARN: their documents are read from IAM
when requests are authorized, so the token stays small."""
TRANSITIVE_TAG_KEYS = "transitive_tag_keys"
"""Session tags that carry over when the session assumes another role (role chaining)."""


def issued_at(session: SessionContext) -> float | None:
    value = session.extra.get(ISSUED_AT)
    return float(value) if isinstance(value, int | float) else None


def policy_arns(session: SessionContext) -> tuple[str, ...]:
    return _strings(session, POLICY_ARNS)


def transitive_tag_keys(session: SessionContext) -> tuple[str, ...]:
    return _strings(session, TRANSITIVE_TAG_KEYS)


def request_principal(principal: Principal) -> RequestPrincipal:
    """The caller as `Principal` elements of trust and resource-based policies see it: the
    session ARN with its role ARN, or the account root for admin credentials."""
    session = principal.session
    return RequestPrincipal(
        id=principal.arn,
        type=PrincipalType.AWS,
        role_arn=session.role_arn if session is not None else None,
        account=principal.account_id,
    )


def _strings(session: SessionContext, name: str) -> tuple[str, ...]:
    """The strings of a list field; nothing when the field is missing or not a list."""
    value = session.extra.get(name, ())
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list | tuple) else ()
