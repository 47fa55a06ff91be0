"""The issuers this server runs itself, verified in process rather than through a JWKS
fetched over HTTP (docs/decisions/built-in-identity-issuers.md).

Each one is a `BuiltInIssuer`: the registry (`identity.registry`) sends it every web
identity token whose `iss` is its issuer. Today that is the identity pools' OpenID token
(`identity_pool_tokens`). The built-in user pools (`dynafed.userpool`, the hosted-UI OpenID
provider) are not one: STS verifies their ID tokens as any IAM OIDC provider's, through
their published JWKS, once the pool is registered in IAM; identity-pool logins verify them
in process (`cognito.logins`).
"""

from __future__ import annotations

from typing import Protocol

from dynafed.identity.verified import VerifiedIdentity


class BuiltInIssuer(Protocol):
    @property
    def issuer(self) -> str:
        """The `iss` of the tokens it verifies, exactly."""
        ...

    def verify(self, token: str) -> VerifiedIdentity:
        """Who the token vouches for, or raise the STS error for a bad token."""
        ...
