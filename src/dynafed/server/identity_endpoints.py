"""The identity features' endpoints: identity pools (`AWSCognitoIdentityService.*`), the
user pools API (`AWSCognitoIdentityProviderService.*`), the built-in OpenID provider
(`/idp/<pool>/…`), the identity pools' OpenID issuer documents
(`/cognito-identity/.well-known/…`) and the web app (`/app/…`).

`server/compose.py` builds one `IdentityEndpoints`; the routing table (`server/app.py`)
decides which of its handlers a request goes to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dynafed.cognito.openid_token import OpenIdTokens
from dynafed.cognito.service import CognitoIdentityService
from dynafed.identity.registry import IdentityProviders
from dynafed.server import cognito_endpoint, cognito_idp_endpoint, idp_endpoint
from dynafed.server.request import Request
from dynafed.server.services import Response, Services
from dynafed.server.signin_pool import SignInPool
from dynafed.server.static_endpoint import APP_PATH, StaticApp
from dynafed.userpool.api.service import CognitoIdpService
from dynafed.userpool.issuer import PoolDirectory
from dynafed.userpool.provider import UserPoolProvider


@dataclass
class IdentityEndpoints:
    cognito: CognitoIdentityService
    openid_tokens: OpenIdTokens
    provider: UserPoolProvider
    pools: PoolDirectory
    static_app: StaticApp
    demo_config: Callable[[], dict[str, Any] | None]
    signins: SignInPool
    """The threads that check passwords (server/signin_pool.py)."""
    providers: IdentityProviders
    """The identity registry, shared with STS: identity-pool OpenID tokens are among its
    built-in issuers (the basic flow)."""
    cognito_idp: CognitoIdpService
    """The cognito-idp API over the same pools as `provider`."""

    async def cognito_identity(
        self, services: Services, request: Request, target: str, request_id: str
    ) -> Response:
        return await cognito_endpoint.handle(
            self.cognito, services.authenticator, services.executor, request, target, request_id
        )

    async def cognito_user_pools(
        self, services: Services, request: Request, target: str, request_id: str
    ) -> Response:
        return await cognito_idp_endpoint.handle(
            self.cognito_idp, services, self.signins, request, target, request_id
        )

    async def user_pools(self, services: Services, request: Request) -> Response:
        return await idp_endpoint.handle(self.provider, services.executor, self.signins, request)

    def pool_issuer(self, request: Request) -> Response | None:
        return cognito_endpoint.well_known(self.openid_tokens, request.path)

    def web_app(self, request: Request) -> Response:
        if request.path == APP_PATH.rstrip("/"):
            return 308, b"", [("location", APP_PATH)]
        return self.static_app.handle(request.path)

    def close(self) -> None:
        self.signins.close()
