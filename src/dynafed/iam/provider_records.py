"""IAM's identity providers as the identity registry (`identity.registry`) looks them up:
OpenID Connect providers by a token's `iss`, SAML providers by AssumeRoleWithSAML's
PrincipalArn.

Read from storage on every exchange, so a provider created, changed (new client ids, new
metadata or signing certificates) or deleted through IAM counts from the next call on, on
every node.
"""

from __future__ import annotations

from dynafed.iam.lookup import find_oidc_provider_by_issuer, find_saml_provider_by_arn
from dynafed.identity.oidc.verifier import OidcProviderRecord
from dynafed.identity.saml.verifier import SamlProviderRecord
from dynafed.storage.port import Storage


class IamOidcProviders:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    def __call__(self, issuer: str) -> OidcProviderRecord | None:
        with self._storage.read() as view:
            provider = find_oidc_provider_by_issuer(view, issuer)
        if provider is None:
            return None
        return OidcProviderRecord(
            arn=provider.arn, url=provider.url, client_ids=tuple(provider.client_ids)
        )


class IamSamlProviders:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    def __call__(self, arn: str) -> SamlProviderRecord | None:
        with self._storage.read() as view:
            provider = find_saml_provider_by_arn(view, arn)
        if provider is None:
            return None
        return SamlProviderRecord(
            provider.arn,
            provider.entity_id,
            tuple(provider.signing_certificates),
            provider.valid_until,
        )
