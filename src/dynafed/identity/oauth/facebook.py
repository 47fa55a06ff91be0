"""Facebook: `ProviderId=graph.facebook.com` with a Facebook user access token.

Two ways to ask the Graph API about a token, both documented by Meta:

* with the deployment's app access token (`<app-id>|<app-secret>`) configured,
  `GET /debug_token?input_token=<token>&access_token=<app token>` answers
  `{"data": {"app_id", "type", "application", "expires_at", "is_valid", "user_id", …}}`
  (https://developers.facebook.com/docs/graph-api/reference/debug_token); a bad token has
  `is_valid: false`;
* without one, as AWS (which holds no app secret) must do it, the token itself is asked:
  `GET /me?fields=id` gives the user id and `GET /app` the app the token was issued to;
  a bad token gets HTTP 400 with a Graph error (code 190).

Any app's token verifies; the role's trust policy decides with `graph.facebook.com:app_id`
and `graph.facebook.com:id`, the keys AWS documents for Facebook
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif).
SubjectFromWebIdentityToken is the user id; Audience is the app id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dynafed.core.clock import Clock
from dynafed.errors import AwsError
from dynafed.identity.fetch import Fetcher
from dynafed.identity.oauth.tokeninfo import (
    ProviderAnswer,
    TokenCacheSettings,
    TokenInfoVerifier,
    ask,
    oauth_identity,
    rejected,
    text_field,
    unreachable,
)
from dynafed.identity.verified import VerifiedIdentity

FACEBOOK = "graph.facebook.com"
FACEBOOK_GRAPH_URL = "https://graph.facebook.com"

# Graph API error codes meaning "too many calls, try later", not "bad token"
# (https://developers.facebook.com/docs/graph-api/overview/rate-limiting).
_THROTTLED = frozenset({4, 17, 32, 613, 80001, 80004})


@dataclass(frozen=True, slots=True)
class FacebookSettings:
    graph_url: str = FACEBOOK_GRAPH_URL
    """The Graph API root, optionally with a version (`https://graph.facebook.com/v19.0`)."""
    app_access_token: str | None = None
    """`<app-id>|<app-secret>`: inspect tokens with `debug_token` (one call, reports the
    expiry). None: ask `/me` and `/app` with the user's token (two calls, any app)."""
    cache: TokenCacheSettings = field(default_factory=TokenCacheSettings)


class FacebookTokenVerifier(TokenInfoVerifier):
    provider_id = FACEBOOK

    def __init__(
        self, fetch: Fetcher, clock: Clock, settings: FacebookSettings | None = None
    ) -> None:
        self._settings = settings or FacebookSettings()
        super().__init__(fetch, clock, self._settings.cache)

    def _ask_provider(self, token: str, now: float) -> VerifiedIdentity:
        if self._settings.app_access_token is not None:
            return self._debug_token(token, self._settings.app_access_token, now)
        return self._ask_token_itself(token, now)

    def _debug_token(self, token: str, app_token: str, now: float) -> VerifiedIdentity:
        answer = self._get("debug_token", {"input_token": token, "access_token": app_token})
        if answer.status != 200:
            # The token under inspection is judged inside `data`; an error here is about
            # our own request (app token, quota), not the user's token.
            raise unreachable()
        data = _object(answer.document).get("data")
        if not isinstance(data, dict) or data.get("is_valid") is not True:
            raise rejected()
        user_id, app_id = text_field(data, "user_id"), text_field(data, "app_id")
        if user_id is None or app_id is None:
            raise rejected()  # an app or page token: it names no user
        expires_at = _expiry(data.get("expires_at"), now, self._settings.cache.ttl)
        if expires_at <= now:
            raise rejected()
        return _facebook_identity(user_id, app_id, expires_at, _issued_at(data), data)

    def _ask_token_itself(self, token: str, now: float) -> VerifiedIdentity:
        me = _user_answer(self._get("me", {"fields": "id", "access_token": token}))
        app = _user_answer(self._get("app", {"access_token": token}))
        user_id, app_id = text_field(me, "id"), text_field(app, "id")
        if user_id is None or app_id is None:
            raise unreachable()  # a 200 without ids is not an answer we can use
        expires_at = int(now + self._settings.cache.ttl)  # the Graph reports no expiry here
        return _facebook_identity(user_id, app_id, expires_at, None, {"me": me, "app": app})

    def _get(self, path: str, query: Mapping[str, str]) -> ProviderAnswer:
        return ask(self._fetch, f"{self._settings.graph_url.rstrip('/')}/{path}", query)


def _user_answer(answer: ProviderAnswer) -> dict[str, Any]:
    """The body of a call made with the user's token, or the error it stands for."""
    if answer.status == 200 and isinstance(answer.document, dict):
        return answer.document
    raise _graph_error(answer)


def _graph_error(answer: ProviderAnswer) -> AwsError:
    error = _object(answer.document).get("error")
    code = error.get("code") if isinstance(error, dict) else None
    if code in _THROTTLED or answer.status not in (400, 401, 403):
        return unreachable()
    return rejected()


def _facebook_identity(
    user_id: str, app_id: str, expires_at: int, issued_at: int | None, document: Mapping[str, Any]
) -> VerifiedIdentity:
    return oauth_identity(
        FACEBOOK,
        subject=user_id,
        audience=app_id,
        keys={f"{FACEBOOK}:id": [user_id], f"{FACEBOOK}:app_id": [app_id]},
        expires_at=expires_at,
        issued_at=issued_at,
        document=document,
    )


def _expiry(expires_at: Any, now: float, ttl: float) -> int:
    """`expires_at` is epoch seconds; 0 marks a token that does not expire."""
    if isinstance(expires_at, bool) or not isinstance(expires_at, int) or expires_at < 0:
        return 0
    return expires_at if expires_at > 0 else int(now + ttl)


def _issued_at(data: Mapping[str, Any]) -> int | None:
    value = data.get("issued_at")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _object(document: Any) -> dict[str, Any]:
    return document if isinstance(document, dict) else {}
