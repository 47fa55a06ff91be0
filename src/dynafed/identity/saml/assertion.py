"""Read a verified SAML 2.0 Assertion into plain values (no checks beyond well-formedness).

Element names follow SAML 2.0 core (saml-core-2.0-os §2): Issuer, Subject/NameID,
SubjectConfirmation/SubjectConfirmationData, Conditions/AudienceRestriction,
AuthnStatement@SessionNotOnOrAfter, AttributeStatement/Attribute/AttributeValue. Times are
xs:dateTime in UTC; a malformed one makes the whole response unusable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from lxml import etree

from dynafed.errors import InvalidIdentityToken
from dynafed.identity.saml import messages as msg
from dynafed.identity.saml.signature import ASSERTION

_XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"


def _q(name: str) -> str:
    return f"{{{ASSERTION}}}{name}"


@dataclass(frozen=True, slots=True)
class SubjectConfirmation:
    method: str
    recipient: str | None
    not_before: float | None
    not_on_or_after: float | None


@dataclass(frozen=True, slots=True)
class AssertionContent:
    assertion_id: str
    issuer: str | None
    issue_instant: float | None
    name_id: str | None
    name_id_format: str | None
    confirmations: tuple[SubjectConfirmation, ...]
    not_before: float | None
    not_on_or_after: float | None
    audience_restrictions: tuple[tuple[str, ...], ...]
    """One tuple of audiences per AudienceRestriction element."""
    session_not_on_or_after: float | None
    """The earliest AuthnStatement@SessionNotOnOrAfter: when the IdP wants the session over."""
    attributes: dict[str, tuple[str, ...]]
    """Attribute Name -> its values in document order (repeated Attributes merged)."""


def read_assertion(assertion: etree._Element) -> AssertionContent:
    conditions = assertion.find(_q("Conditions"))
    name_id = assertion.find(f"{_q('Subject')}/{_q('NameID')}")
    return AssertionContent(
        assertion_id=assertion.get("ID") or "",
        issuer=_text(assertion.find(_q("Issuer"))),
        issue_instant=parse_instant(assertion.get("IssueInstant")),
        name_id=_text(name_id),
        name_id_format=name_id.get("Format") if name_id is not None else None,
        confirmations=_confirmations(assertion),
        not_before=parse_instant(conditions.get("NotBefore")) if conditions is not None else None,
        not_on_or_after=(
            parse_instant(conditions.get("NotOnOrAfter")) if conditions is not None else None
        ),
        audience_restrictions=_audience_restrictions(conditions),
        session_not_on_or_after=_session_end(assertion),
        attributes=_attributes(assertion),
    )


def parse_instant(text: str | None) -> float | None:
    """xs:dateTime -> epoch seconds; no zone means UTC (SAML core §1.3.3 requires UTC)."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as failure:
        raise InvalidIdentityToken(msg.MALFORMED) from failure
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _confirmations(assertion: etree._Element) -> tuple[SubjectConfirmation, ...]:
    found = []
    for element in assertion.iterfind(f"{_q('Subject')}/{_q('SubjectConfirmation')}"):
        data = element.find(_q("SubjectConfirmationData"))
        found.append(
            SubjectConfirmation(
                method=element.get("Method") or "",
                recipient=data.get("Recipient") if data is not None else None,
                not_before=parse_instant(data.get("NotBefore")) if data is not None else None,
                not_on_or_after=(
                    parse_instant(data.get("NotOnOrAfter")) if data is not None else None
                ),
            )
        )
    return tuple(found)


def _audience_restrictions(conditions: etree._Element | None) -> tuple[tuple[str, ...], ...]:
    if conditions is None:
        return ()
    return tuple(
        tuple(t for t in (_text(a) for a in r.iterfind(_q("Audience"))) if t)
        for r in conditions.iterfind(_q("AudienceRestriction"))
    )


def _session_end(assertion: etree._Element) -> float | None:
    ends = [
        parse_instant(statement.get("SessionNotOnOrAfter"))
        for statement in assertion.iterfind(_q("AuthnStatement"))
        if statement.get("SessionNotOnOrAfter") is not None
    ]
    return min((end for end in ends if end is not None), default=None)


def _attributes(assertion: etree._Element) -> dict[str, tuple[str, ...]]:
    values: dict[str, list[str]] = {}
    for attribute in assertion.iterfind(f"{_q('AttributeStatement')}/{_q('Attribute')}"):
        name = attribute.get("Name")
        if not name:
            continue
        bucket = values.setdefault(name, [])
        for value in attribute.iterfind(_q("AttributeValue")):
            if value.get(_XSI_NIL) in ("true", "1"):
                continue
            bucket.append("".join(value.itertext()).strip())
    return {name: tuple(found) for name, found in values.items()}


def _text(element: etree._Element | None) -> str | None:
    if element is None:
        return None
    text = "".join(element.itertext()).strip()
    return text or None
