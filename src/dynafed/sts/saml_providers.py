"""The IAM SAML providers as AssumeRoleWithSAML looks them up: by the request's
PrincipalArn.

Read from storage on every exchange, so a provider created, updated (new metadata, new
signing certificates) or deleted through IAM counts from the next call on, on every node.
"""

from __future__ import annotations

from dynafed.iam.lookup import find_saml_provider_by_arn
from dynafed.identity.saml import SamlProviderRecord
from dynafed.storage.port import Storage


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
