"""Login with Amazon: `ProviderId=www.amazon.com` with an LWA access token (`Atza|…`).

The token is opaque; its token-information endpoint says who it belongs to
(`GET https://api.amazon.com/auth/o2/tokeninfo?access_token=…` →
`{"iss", "user_id", "aud", "app_id", "exp", "iat"}`, `exp` being the seconds left;
an invalid or expired token gets HTTP 400 `{"error": "invalid_token", …}`), as Amazon
documents for verifying tokens server-side
(https://developer.amazon.com/docs/login-with-amazon/obtain-customer-profile.html).

AWS keeps no client list for Login with Amazon: any app's token verifies, and the role's
trust policy decides with `www.amazon.com:app_id` (the LWA application id) and
`www.amazon.com:user_id`, the keys AWS documents for this provider
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif).
SubjectFromWebIdentityToken is the `user_id`; Audience is the token's client id (`aud`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dynafed.core.clock import Clock
from dynafed.identity.fetch import Fetcher
from dynafed.identity.oauth.tokeninfo import (
    TokenCacheSettings,
    TokenInfoVerifier,
    ask,
    oauth_identity,
    rejected,
    text_field,
    unreachable,
)
from dynafed.identity.verified import VerifiedIdentity

AMAZON = "www.amazon.com"
AMAZON_TOKENINFO_URL = "https://api.amazon.com/auth/o2/tokeninfo"


@dataclass(frozen=True, slots=True)
class AmazonSettings:
    tokeninfo_url: str = AMAZON_TOKENINFO_URL
    cache: TokenCacheSettings = field(default_factory=TokenCacheSettings)


class AmazonTokenVerifier(TokenInfoVerifier):
    provider_id = AMAZON

    def __init__(
        self, fetch: Fetcher, clock: Clock, settings: AmazonSettings | None = None
    ) -> None:
        self._settings = settings or AmazonSettings()
        super().__init__(fetch, clock, self._settings.cache)

    def _ask_provider(self, token: str, now: float) -> VerifiedIdentity:
        answer = ask(self._fetch, self._settings.tokeninfo_url, {"access_token": token})
        if answer.status in (400, 401, 403):
            raise rejected()
        if answer.status != 200 or not isinstance(answer.document, dict):
            raise unreachable()
        return amazon_identity(answer.document, now)


def amazon_identity(info: Mapping[str, Any], now: float) -> VerifiedIdentity:
    """Who a token-info answer names; an answer without a user, a client or time left is
    treated as a rejection."""
    user_id = text_field(info, "user_id")
    client_id = text_field(info, "aud")
    seconds_left = info.get("exp")
    if user_id is None or client_id is None:
        raise rejected()
    if isinstance(seconds_left, bool) or not isinstance(seconds_left, int) or seconds_left <= 0:
        raise rejected()
    app_id = text_field(info, "app_id") or client_id
    issued_at = info.get("iat")
    return oauth_identity(
        AMAZON,
        subject=user_id,
        audience=client_id,
        keys={f"{AMAZON}:user_id": [user_id], f"{AMAZON}:app_id": [app_id]},
        expires_at=int(now) + seconds_left,
        issued_at=issued_at
        if isinstance(issued_at, int) and not isinstance(issued_at, bool)
        else None,
        document=info,
    )
