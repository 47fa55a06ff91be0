"""The assertion's attributes as AssumeRoleWithSAML reads them.

AWS's own attributes (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html):
`…/Role` (one value per role, `role-arn,provider-arn` in either order), `…/RoleSessionName`
(required, 2–64 of `[\\w+=,.@-]`), `…/SessionDuration` (900–43200 seconds), `…/SourceIdentity`,
and session tags as one `…/PrincipalTag:<Key>` attribute per tag plus the multi-valued
`…/TransitiveTagKeys` (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html).

Standard attributes named by OID become `saml:` condition keys for the trust policy
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-saml).
AWS lists the keys but not which attribute feeds each; we map the registered OIDs of the
eduPerson/eduOrg schemas and of the X.500/LDAP attributes the key names denote.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from dynafed.errors import InvalidIdentityToken
from dynafed.identity.saml import messages as msg
from dynafed.identity.verified import (
    SOURCE_IDENTITY_CLAIM,
    TAGS_CLAIM,
    ContextKeys,
    SessionTags,
    session_tags,
    source_identity,
)

AWS_ATTRIBUTES = "https://aws.amazon.com/SAML/Attributes/"
ROLE = AWS_ATTRIBUTES + "Role"
ROLE_SESSION_NAME = AWS_ATTRIBUTES + "RoleSessionName"
SESSION_DURATION = AWS_ATTRIBUTES + "SessionDuration"
SOURCE_IDENTITY = AWS_ATTRIBUTES + "SourceIdentity"
PRINCIPAL_TAG = AWS_ATTRIBUTES + "PrincipalTag:"
TRANSITIVE_TAG_KEYS = AWS_ATTRIBUTES + "TransitiveTagKeys"

_SESSION_NAME = re.compile(r"[A-Za-z0-9_+=,.@-]{2,64}")
_MIN_DURATION, _MAX_DURATION = 900, 43_200

_EDU_PERSON = "urn:oid:1.3.6.1.4.1.5923.1.1.1."
_EDU_ORG = "urn:oid:1.3.6.1.4.1.5923.1.2.1."
OID_CONDITION_KEYS: Mapping[str, str] = {
    _EDU_PERSON + "1": "saml:edupersonaffiliation",
    _EDU_PERSON + "2": "saml:edupersonnickname",
    _EDU_PERSON + "3": "saml:edupersonorgdn",
    _EDU_PERSON + "4": "saml:edupersonorgunitdn",
    _EDU_PERSON + "5": "saml:edupersonprimaryaffiliation",
    _EDU_PERSON + "6": "saml:edupersonprincipalname",
    _EDU_PERSON + "7": "saml:edupersonentitlement",
    _EDU_PERSON + "8": "saml:edupersonprimaryorgunitdn",
    _EDU_PERSON + "9": "saml:edupersonscopedaffiliation",
    _EDU_PERSON + "10": "saml:edupersontargetedid",
    _EDU_PERSON + "11": "saml:edupersonassurance",
    _EDU_ORG + "2": "saml:eduorghomepageuri",
    _EDU_ORG + "3": "saml:eduorgidentityauthnpolicyuri",
    _EDU_ORG + "4": "saml:eduorglegalname",
    _EDU_ORG + "5": "saml:eduorgsuperioruri",
    _EDU_ORG + "6": "saml:eduorgwhitepagesuri",
    "urn:oid:2.5.4.3": "saml:cn",
    "urn:oid:2.5.4.4": "saml:surname",
    "urn:oid:2.5.4.42": "saml:givenName",
    "urn:oid:2.5.4.45": "saml:x500UniqueIdentifier",
    "urn:oid:0.9.2342.19200300.100.1.1": "saml:uid",
    "urn:oid:0.9.2342.19200300.100.1.3": "saml:mail",
}

Attributes = Mapping[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class SessionRequest:
    """What the assertion asks of the session it opens."""

    role_session_name: str
    session_duration: int | None
    source_identity: str | None
    tags: SessionTags | None


def session_request(attributes: Attributes) -> SessionRequest:
    return SessionRequest(
        role_session_name=_role_session_name(attributes),
        session_duration=_session_duration(attributes),
        source_identity=_source_identity(attributes),
        tags=_tags(attributes),
    )


def names_role(attributes: Attributes, role_arn: str, provider_arn: str) -> bool:
    """Whether a `Role` value pairs `role_arn` with `provider_arn` (either order)."""
    wanted = {(role_arn, provider_arn), (provider_arn, role_arn)}
    for value in attributes.get(ROLE, ()):
        first, comma, second = value.partition(",")
        if comma and (first.strip(), second.strip()) in wanted:
            return True
    return False


def attribute_condition_keys(attributes: Attributes) -> ContextKeys:
    return {
        key: list(attributes[oid]) for oid, key in OID_CONDITION_KEYS.items() if attributes.get(oid)
    }


def _single(attributes: Attributes, name: str) -> str | None:
    values = attributes.get(name)
    if values is None:
        return None
    if len(values) != 1:
        raise InvalidIdentityToken(msg.BAD_ATTRIBUTE.format(name=name.removeprefix(AWS_ATTRIBUTES)))
    return values[0]


def _role_session_name(attributes: Attributes) -> str:
    name = _single(attributes, ROLE_SESSION_NAME)
    if not name:
        raise InvalidIdentityToken(msg.NO_SESSION_NAME)
    if not _SESSION_NAME.fullmatch(name):
        raise InvalidIdentityToken(msg.BAD_SESSION_NAME)
    return name


def _session_duration(attributes: Attributes) -> int | None:
    text = _single(attributes, SESSION_DURATION)
    if text is None:
        return None
    if not text.isascii() or not text.isdigit() or not _MIN_DURATION <= int(text) <= _MAX_DURATION:
        raise InvalidIdentityToken(msg.BAD_SESSION_DURATION)
    return int(text)


def _source_identity(attributes: Attributes) -> str | None:
    value = _single(attributes, SOURCE_IDENTITY)
    return None if value is None else source_identity({SOURCE_IDENTITY_CLAIM: value})


def _tags(attributes: Attributes) -> SessionTags | None:
    """Validated with the web identity rules (IAM's tag limits are the same for both)."""
    principal_tags = {
        name.removeprefix(PRINCIPAL_TAG): list(values)
        for name, values in attributes.items()
        if name.startswith(PRINCIPAL_TAG)
    }
    transitive = attributes.get(TRANSITIVE_TAG_KEYS)
    if not principal_tags and not transitive:
        return None
    claim: dict[str, object] = {"principal_tags": principal_tags}
    if transitive:
        claim["transitive_tag_keys"] = list(transitive)
    return session_tags({TAGS_CLAIM: claim})
