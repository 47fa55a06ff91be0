"""The IAM OpenID Connect providers as the token verifier looks them up: by the token's `iss`.

Read from storage on every exchange, so a provider created, changed or deleted through IAM
counts from the next call on, on every node.
"""

from __future__ import annotations

from dynafed.iam.lookup import find_oidc_provider_by_issuer
from dynafed.identity.oidc import OidcProviderRecord
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
