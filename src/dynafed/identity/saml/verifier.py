"""Verify a SAML 2.0 Response the way STS AssumeRoleWithSAML does (sts-identity.md §5.1).

Order: decode and parse (hardened: no DTD, entities or network), the signature of the
Response or its Assertion by a certificate of the IAM SAML provider (after which only the
verified element is read, see `saml_signature`), the issuer, the validity window and the
5-minute redemption window, the audience `urn:amazon:webservices`, the subject, a bearer
SubjectConfirmation addressed to the AWS sign-in endpoint, the AWS attributes, and finally
the Role attribute naming the requested role with this provider (else AccessDenied).

Result values follow the AssumeRoleWithSAML response
(https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithSAML.html): Subject is
the NameID, SubjectType its Format (`persistent`/`transient` shortened), Issuer, Audience
the SubjectConfirmationData Recipient, NameQualifier base64(SHA-1(issuer + account + "/" +
provider name)). Condition keys follow "Available keys for SAML-based AWS STS federation"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-saml).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from lxml import etree

from dynafed.errors import AccessDenied, ExpiredToken, InvalidIdentityToken
from dynafed.identity.saml import messages as msg
from dynafed.identity.saml.assertion import AssertionContent, SubjectConfirmation, read_assertion
from dynafed.identity.saml.attributes import (
    SessionRequest,
    attribute_condition_keys,
    names_role,
    session_request,
)
from dynafed.identity.saml.signature import ASSERTION, PROTOCOL, verify_signed_assertion
from dynafed.identity.verified import ContextKeys, SessionTags, printable

AWS_SIGNIN_SAML = "https://signin.aws.amazon.com/saml"
AWS_SP_ENTITY_ID = "urn:amazon:webservices"
_REGIONAL_SIGNIN = re.compile(r"https://[a-z0-9-]+\.signin\.aws\.amazon\.com/saml")
_BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
_SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
_NAMEID_FORMAT = "urn:oasis:names:tc:SAML:2.0:nameid-format:"
_UNSPECIFIED_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"


@dataclass(frozen=True, slots=True)
class SamlProviderRecord:
    """What the verifier needs of an IAM SAML provider (its metadata, already parsed)."""

    arn: str
    """`arn:aws:iam::<account>:saml-provider/<name>`: the request's PrincipalArn."""
    entity_id: str
    """The metadata's entityID: assertions must carry it as their Issuer."""
    signing_certificates: tuple[str, ...]
    """Base64 DER of the metadata's signing certificates."""
    valid_until: float | None = None

    @property
    def account_id(self) -> str:
        return self.arn.split(":")[4]

    @property
    def name(self) -> str:
        return self.arn.rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class SamlSettings:
    recipients: tuple[str, ...] = (AWS_SIGNIN_SAML,)
    """Accepted Recipient/Destination URLs (add this server's own ACS URL if it has one)."""
    accept_regional_signin: bool = True
    """Also accept `https://<region>.signin.aws.amazon.com/saml`."""
    audiences: tuple[str, ...] = (AWS_SP_ENTITY_ID,)
    clock_skew: float = 60.0
    max_response_age: float = 300.0
    """AWS's redemption window: IssueInstant may be at most this old."""
    allow_sha1: bool = True
    """AWS accepts RSA-SHA1 signatures and SHA-1 digests (sts-identity.md §5.1)."""
    max_encoded_chars: int = 100_000


@dataclass(frozen=True, slots=True)
class VerifiedSamlAssertion:
    provider_arn: str
    issuer: str
    subject: str
    subject_type: str
    audience: str
    """The Recipient the bearer confirmation names (the response's Audience, `saml:aud`)."""
    name_qualifier: str
    role_arn: str | None
    """The role the assertion was checked to name; None for an identity-pool login, where
    the pool, not the assertion, decides the role."""
    role_session_name: str
    session_duration: int | None
    """The `SessionDuration` attribute: may only shorten the session."""
    session_not_on_or_after: float | None
    """AuthnStatement@SessionNotOnOrAfter: the session must end by then."""
    source_identity: str | None
    tags: SessionTags | None
    assertion_id: str
    usable_until: float
    """Past this the assertion is expired: how long a replay cache must remember its id."""
    trust_context_keys: ContextKeys
    session_context_keys: ContextKeys


def verify_saml_response(
    encoded: str,
    provider: SamlProviderRecord,
    role_arn: str | None,
    now: float,
    settings: SamlSettings | None = None,
) -> VerifiedSamlAssertion:
    """Raise InvalidIdentityToken, ExpiredToken or AccessDenied, or return who the response
    vouches for and what session it asks for."""
    s = settings or SamlSettings()
    if provider.valid_until is not None and now >= provider.valid_until:
        raise InvalidIdentityToken(msg.PROVIDER_EXPIRED)
    document = _parse(encoded, s.max_encoded_chars)
    signed = verify_signed_assertion(document, provider.signing_certificates, now, s.allow_sha1)
    _check_response(signed.response if signed.response is not None else document, provider, s)
    content = read_assertion(signed.assertion)
    issuer = _issuer(content, provider)
    usable_until = _check_times(content, now, s)
    _check_audience(content, s)
    subject = _subject(content)
    confirmation = _bearer_confirmation(content, now, s)
    request = session_request(content.attributes)
    if role_arn is not None and not names_role(content.attributes, role_arn, provider.arn):
        raise AccessDenied(msg.NOT_AUTHORIZED)
    qualifier = name_qualifier(issuer, provider.account_id, provider.name)
    subject_type = _subject_type(content.name_id_format)
    recipient = confirmation.recipient or ""
    trust = _trust_keys(provider, content, issuer, subject, subject_type, recipient, qualifier)
    _add_request_keys(trust, request)
    return VerifiedSamlAssertion(
        provider_arn=provider.arn,
        issuer=issuer,
        subject=subject,
        subject_type=subject_type,
        audience=recipient,
        name_qualifier=qualifier,
        role_arn=role_arn,
        role_session_name=request.role_session_name,
        session_duration=request.session_duration,
        session_not_on_or_after=content.session_not_on_or_after,
        source_identity=request.source_identity,
        tags=request.tags,
        assertion_id=content.assertion_id,
        usable_until=min(usable_until, confirmation.not_on_or_after or usable_until),
        trust_context_keys=trust,
        session_context_keys=_session_keys(trust),
    )


def name_qualifier(issuer: str, account_id: str, provider_name: str) -> str:
    """base64(SHA-1(issuer + account + "/" + provider name)), as IAM documents it
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_saml.html#CreatingSAML-userid)."""
    digest = hashlib.sha1(f"{issuer}{account_id}/{provider_name}".encode(), usedforsecurity=False)
    return base64.b64encode(digest.digest()).decode("ascii")


def _parse(encoded: str, max_chars: int) -> etree._Element:
    if len(encoded) > max_chars:
        raise InvalidIdentityToken(msg.MALFORMED)
    try:
        raw = base64.b64decode("".join(encoded.split()), validate=True)
        parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
        )
        root = etree.fromstring(raw, parser)
    except (binascii.Error, ValueError, etree.XMLSyntaxError) as failure:
        raise InvalidIdentityToken(msg.MALFORMED) from failure
    if root.getroottree().docinfo.doctype or root.tag != f"{{{PROTOCOL}}}Response":
        raise InvalidIdentityToken(msg.MALFORMED)
    if root.find(f"{{{ASSERTION}}}EncryptedAssertion") is not None:
        raise InvalidIdentityToken(msg.ENCRYPTED_ASSERTION)
    return root


def _check_response(
    response: etree._Element, provider: SamlProviderRecord, s: SamlSettings
) -> None:
    """Response-level fields. When only the assertion is signed they are unsigned, so they
    can make us refuse a response but never make us accept one."""
    status = response.find(f"{{{PROTOCOL}}}Status/{{{PROTOCOL}}}StatusCode")
    if status is None or status.get("Value") != _SUCCESS:
        raise InvalidIdentityToken(msg.NOT_SUCCESS)
    destination = response.get("Destination")
    if destination is not None and not _allowed_recipient(destination, s):
        raise InvalidIdentityToken(msg.WRONG_RECIPIENT)
    issuer = response.find(f"{{{ASSERTION}}}Issuer")
    if issuer is not None and (issuer.text or "").strip() != provider.entity_id:
        raise InvalidIdentityToken(msg.ISSUER_NOT_IN_PROVIDER)


def _issuer(content: AssertionContent, provider: SamlProviderRecord) -> str:
    if content.issuer != provider.entity_id:
        raise InvalidIdentityToken(msg.ISSUER_NOT_IN_PROVIDER)
    return content.issuer


def _check_times(content: AssertionContent, now: float, s: SamlSettings) -> float:
    """Raise unless `now` is inside the assertion's window; return when the window ends."""
    if content.not_on_or_after is not None and now >= content.not_on_or_after + s.clock_skew:
        raise ExpiredToken(msg.RESPONSE_EXPIRED)
    if content.not_before is not None and now + s.clock_skew < content.not_before:
        raise InvalidIdentityToken(msg.NOT_YET_VALID)
    issued = content.issue_instant
    if issued is not None and now > issued + s.max_response_age + s.clock_skew:
        raise ExpiredToken(msg.REDEEM_WINDOW)
    if issued is not None and now + s.clock_skew < issued:
        raise InvalidIdentityToken(msg.NOT_YET_VALID)
    window_end = (issued if issued is not None else now) + s.max_response_age + s.clock_skew
    if content.not_on_or_after is not None:
        window_end = min(window_end, content.not_on_or_after + s.clock_skew)
    return window_end


def _check_audience(content: AssertionContent, s: SamlSettings) -> None:
    """Every AudienceRestriction must name us (SAML core §2.5.1.4), and there must be one."""
    restrictions = content.audience_restrictions
    if not restrictions or not all(set(r) & set(s.audiences) for r in restrictions):
        raise InvalidIdentityToken(msg.MISSING_AUDIENCE)


def _subject(content: AssertionContent) -> str:
    if content.name_id is None:
        raise AccessDenied(msg.NOT_AUTHORIZED)
    return printable(content.name_id)


def _bearer_confirmation(
    content: AssertionContent, now: float, s: SamlSettings
) -> SubjectConfirmation:
    bearers = [c for c in content.confirmations if c.method == _BEARER]
    if not bearers:
        raise InvalidIdentityToken(msg.NO_BEARER_CONFIRMATION)
    addressed = [c for c in bearers if c.recipient and _allowed_recipient(c.recipient, s)]
    if not addressed:
        raise InvalidIdentityToken(msg.WRONG_RECIPIENT)
    current = [c for c in addressed if not _confirmation_expired(c, now, s)]
    if not current:
        raise ExpiredToken(msg.RESPONSE_EXPIRED)
    if all(c.not_before is not None and now + s.clock_skew < c.not_before for c in current):
        raise InvalidIdentityToken(msg.NOT_YET_VALID)
    return current[0]


def _confirmation_expired(confirmation: SubjectConfirmation, now: float, s: SamlSettings) -> bool:
    # A bearer confirmation must carry NotOnOrAfter (SAML profiles §4.1.4.2).
    end = confirmation.not_on_or_after
    return end is None or now >= end + s.clock_skew


def _allowed_recipient(url: str, s: SamlSettings) -> bool:
    return url in s.recipients or (
        s.accept_regional_signin and bool(_REGIONAL_SIGNIN.fullmatch(url))
    )


def _subject_type(name_id_format: str | None) -> str:
    fmt = name_id_format or _UNSPECIFIED_FORMAT
    short = fmt.removeprefix(_NAMEID_FORMAT)
    return short if short in ("persistent", "transient") else fmt


def _trust_keys(
    provider: SamlProviderRecord,
    content: AssertionContent,
    issuer: str,
    subject: str,
    subject_type: str,
    recipient: str,
    qualifier: str,
) -> ContextKeys:
    return {
        "saml:aud": [recipient],
        "saml:iss": [issuer],
        "saml:sub": [subject],
        "saml:sub_type": [subject_type],
        "saml:namequalifier": [qualifier],
        "saml:doc": [f"{provider.account_id}/{provider.name}"],
        **attribute_condition_keys(content.attributes),
        "aws:FederatedProvider": [provider.arn],
    }


def _add_request_keys(keys: ContextKeys, request: SessionRequest) -> None:
    """What the assertion asks for, as the trust policy sees it (session tags need
    `sts:TagSession`, a source identity `sts:SetSourceIdentity`)."""
    keys["sts:RoleSessionName"] = [request.role_session_name]
    if request.source_identity is not None:
        keys["sts:SourceIdentity"] = [request.source_identity]
    if request.tags is not None:
        for key, value in request.tags.principal_tags.items():
            keys[f"aws:RequestTag/{key}"] = [value]
        keys["aws:TagKeys"] = list(request.tags.principal_tags)
        if request.tags.transitive_tag_keys:
            keys["sts:TransitiveTagKeys"] = list(request.tags.transitive_tag_keys)


def _session_keys(trust: ContextKeys) -> ContextKeys:
    """Only these stay with the session for later requests (IAM condition keys reference)."""
    kept = ("saml:namequalifier", "saml:sub", "saml:sub_type", "aws:FederatedProvider")
    return {name: list(trust[name]) for name in kept if name in trust}
