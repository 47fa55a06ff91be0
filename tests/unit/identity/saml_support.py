"""What the SAML verifier's unit tests share: one moment to verify at, an honest response
issued just before it, the IAM provider record trusting given signing identities, and
verification at that moment.

(A uniquely named helper module: pytest puts this directory on sys.path.)"""

from __future__ import annotations

from dataclasses import replace

from tests.fixtures.saml.certs import SigningIdentity
from tests.fixtures.saml.factory import (
    IDP_ENTITY_ID,
    PROVIDER_ARN,
    ROLE_ARN,
    ResponseSpec,
    encode,
)

from dynafed.identity.saml.verifier import (
    SamlProviderRecord,
    SamlSettings,
    VerifiedSamlAssertion,
    verify_saml_response,
)

NOW = 1_800_000_000.0


def spec(**changes: object) -> ResponseSpec:
    """A valid response issued ten seconds before NOW, with `changes`."""
    return replace(ResponseSpec(issue_instant=NOW - 10), **changes)  # type: ignore[arg-type]


def provider_for(*identities: SigningIdentity) -> SamlProviderRecord:
    """The IAM SAML provider whose metadata lists these identities' signing certificates."""
    return SamlProviderRecord(PROVIDER_ARN, IDP_ENTITY_ID, tuple(i.cert_b64 for i in identities))


def verify(
    xml: bytes,
    provider: SamlProviderRecord,
    *,
    now: float = NOW,
    role_arn: str = ROLE_ARN,
    settings: SamlSettings | None = None,
) -> VerifiedSamlAssertion:
    return verify_saml_response(encode(xml), provider, role_arn, now, settings)
