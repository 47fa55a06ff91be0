"""Who a verified identity token vouches for, whichever protocol verified it: the
`VerifiedIdentity` every web identity verifier returns, and what a token contributes to
authorization (condition keys, session tags, the source identity). SAML assertions carry
the same `ContextKeys` and `SessionTags` (`identity.saml.verifier.VerifiedSamlAssertion`).

Keys (iam-fgac.md §4.4, from "IAM and AWS STS condition context keys", web identity section:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html):
the role's trust policy sees `<provider>:sub`, `:aud`, `:oaud`, `:azp`, `:amr`; the session
keeps only the `sub`, `aud` and `amr` families. `<provider>` is the provider URL without its
scheme. Session tags come only from the `https://aws.amazon.com/tags` claim and the source
identity only from `https://aws.amazon.com/source_identity`
(https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html,
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dynafed.errors import InvalidIdentityToken
from dynafed.identity import messages

TAGS_CLAIM = "https://aws.amazon.com/tags"
SOURCE_IDENTITY_CLAIM = "https://aws.amazon.com/source_identity"

MAX_SESSION_TAGS = 50
MAX_TAG_KEY_CHARS = 128
MAX_TAG_VALUE_CHARS = 256
_TAG_PUNCTUATION = frozenset("_.:/=+-@")
_SOURCE_IDENTITY = re.compile(r"[A-Za-z0-9_+=,.@-]{2,64}")

ContextKeys = dict[str, list[str]]


@dataclass(frozen=True, slots=True)
class SessionTags:
    principal_tags: dict[str, str]
    transitive_tag_keys: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class VerifiedIdentity:
    issuer: str
    provider_arn: str
    provider_key: str
    """The provider URL without scheme: the prefix of its condition keys."""
    subject: str
    """`sub`: becomes SubjectFromWebIdentityToken."""
    audience: str
    """The registered client id the token was issued to: the response's `Audience`."""
    expires_at: int
    issued_at: int | None
    trust_context_keys: ContextKeys
    """For the role's trust policy (`<prefix>:sub/aud/oaud/azp/amr`, `aws:FederatedProvider`,
    `aws:RequestTag/*`, `aws:TagKeys`, `sts:SourceIdentity`)."""
    session_context_keys: ContextKeys
    """What the session keeps for later requests (`<prefix>:sub/aud/amr`, FederatedProvider)."""
    tags: SessionTags | None
    source_identity: str | None
    claims: Mapping[str, Any] = field(repr=False)


def trust_context_keys(
    prefix: str,
    claims: Mapping[str, Any],
    audience: str,
    federated_provider: str,
    tags: SessionTags | None,
    source_identity: str | None,
) -> ContextKeys:
    """Keys the role's trust policy is evaluated with (iam-fgac.md §4.4a)."""
    keys: ContextKeys = {
        f"{prefix}:sub": [claims["sub"]],
        f"{prefix}:aud": [audience],
        f"{prefix}:oaud": _strings(claims.get("aud")),
        "aws:FederatedProvider": [federated_provider],
    }
    _add_optional(keys, f"{prefix}:azp", claims.get("azp"))
    _add_optional(keys, f"{prefix}:amr", claims.get("amr"))
    if tags is not None:
        for key, value in tags.principal_tags.items():
            keys[f"aws:RequestTag/{key}"] = [value]
        keys["aws:TagKeys"] = list(tags.principal_tags)
    if source_identity is not None:
        keys["sts:SourceIdentity"] = [source_identity]
    return keys


def session_context_keys(prefix: str, trust_keys: Mapping[str, list[str]]) -> ContextKeys:
    """The subset that stays with the session for later requests (iam-fgac.md §4.4b)."""
    kept = (f"{prefix}:sub", f"{prefix}:aud", f"{prefix}:amr", "aws:FederatedProvider")
    return {name: list(trust_keys[name]) for name in kept if name in trust_keys}


def session_tags(claims: Mapping[str, Any]) -> SessionTags | None:
    """The token's session tags, validated against IAM's tag limits; None if it carries none."""
    claim = claims.get(TAGS_CLAIM)
    if claim is None:
        return None
    if not isinstance(claim, Mapping) or not isinstance(claim.get("principal_tags"), Mapping):
        raise _bad_tags("the claim must hold a principal_tags object")
    tags = {_tag_key(key): _tag_value(key, value) for key, value in claim["principal_tags"].items()}
    if len(tags) > MAX_SESSION_TAGS:
        raise _bad_tags(f"more than {MAX_SESSION_TAGS} tags")
    if len({key.lower() for key in tags}) != len(tags):
        raise _bad_tags("tag keys must be unique regardless of case")
    return SessionTags(tags, _transitive_keys(claim.get("transitive_tag_keys"), tags))


def source_identity(claims: Mapping[str, Any]) -> str | None:
    value = claims.get(SOURCE_IDENTITY_CLAIM)
    if value is None:
        return None
    if not isinstance(value, str) or not _SOURCE_IDENTITY.fullmatch(value):
        raise InvalidIdentityToken(messages.BAD_SOURCE_IDENTITY)
    return value


def _tag_key(key: str) -> str:
    if not 1 <= len(key) <= MAX_TAG_KEY_CHARS or not is_tag_text(key):
        raise _bad_tags(f"invalid tag key {key!r}")
    if key.lower().startswith("aws:"):
        raise _bad_tags(f"tag key {key!r} uses the reserved prefix aws:")
    return key


def _tag_value(key: str, value: Any) -> str:
    # The documented shape is {"Key": ["value"]}; session tags are single-valued.
    if not (isinstance(value, list) and len(value) == 1 and isinstance(value[0], str)):
        raise _bad_tags(f"tag {key!r} must have exactly one string value")
    text: str = value[0]
    if len(text) > MAX_TAG_VALUE_CHARS or not is_tag_text(text):
        raise _bad_tags(f"invalid value for tag {key!r}")
    return text


def _transitive_keys(value: Any, tags: Mapping[str, str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(k, str) for k in value):
        raise _bad_tags("transitive_tag_keys must be an array of strings")
    known = {key.lower() for key in tags}
    unknown = [k for k in value if k.lower() not in known]
    if unknown:
        raise _bad_tags(f"transitive tag keys {unknown} are not among the principal tags")
    return tuple(value)


def is_tag_text(text: str) -> bool:
    """Whether `text` matches IAM's tag pattern `[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*`, whose
    Unicode classes `re` lacks: matched by character category."""
    return all(c in _TAG_PUNCTUATION or unicodedata.category(c)[0] in "LZN" for c in text)


def printable(value: str) -> str:
    """`value`, if it holds no control character. An identity's subject is echoed in STS's
    XML answer and becomes policy-variable text (`${provider:sub}`); control characters
    have no place in either (most cannot even be written in XML 1.0), so such a token is
    refused, not repaired."""
    if any(ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F for char in value):
        raise InvalidIdentityToken(messages.NOT_VALIDATED)
    return value


def _bad_tags(reason: str) -> InvalidIdentityToken:
    return InvalidIdentityToken(messages.BAD_SESSION_TAGS.format(reason=reason))


def _strings(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, str)]


def _add_optional(keys: ContextKeys, name: str, value: Any) -> None:
    values = _strings(value) if value is not None else []
    if values:
        keys[name] = values
