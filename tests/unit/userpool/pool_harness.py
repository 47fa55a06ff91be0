"""An in-process user pool for unit tests: memory storage, a clock moved by hand, cheap
password hashing, one RSA key generated per test session, and a browser-like helper that
walks the authorization-code flow through `UserPoolProvider.handle`."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson
from joserfc.jwk import RSAKey

from dynafed.core.clock import FixedClock
from dynafed.storage.memory import MemoryStorage
from dynafed.userpool import pkce
from dynafed.userpool.admin import UserPoolAdmin
from dynafed.userpool.issuer import Deps, PoolDirectory
from dynafed.userpool.model import LockoutRules
from dynafed.userpool.passwords import fast_passwords
from dynafed.userpool.provider import UserPoolProvider
from dynafed.userpool.signin import Authenticator
from dynafed.userpool.web import IdpRequest, IdpResponse

PUBLIC_URL = "http://127.0.0.1:8000"
POOL_ID = "us-east-1_TestPool1"
ISSUER = f"{PUBLIC_URL}/idp/{POOL_ID}"
CALLBACK = "http://127.0.0.1:8000/app/"
START = 1_800_000_000.0
VERIFIER = "v" * 43 + "-verifier._~"

_KEYS = [RSAKey.generate_key(2048, private=True) for _ in range(2)]
_counter = itertools.count()


def next_key() -> RSAKey:
    """Keys alternate between two pre-made ones: rotation is testable, generation is cheap."""
    return _KEYS[next(_counter) % len(_KEYS)]


def _tokens() -> Any:
    serial = itertools.count()
    return lambda n: f"tok{next(serial):06d}" + "x" * n


@dataclass
class Pool:
    clock: FixedClock = field(default_factory=lambda: FixedClock(START))
    storage: MemoryStorage = field(default_factory=MemoryStorage)

    def __post_init__(self) -> None:
        passwords = fast_passwords()
        self.admin = UserPoolAdmin(self.storage, self.clock, passwords)
        self.admin.create_pool(POOL_ID, "Test pool", LockoutRules(3, 60.0, 900.0))
        self.public = self.admin.create_client(POOL_ID, "web", [CALLBACK]).client
        self.private = self.admin.create_client(POOL_ID, "backend", [CALLBACK], confidential=True)
        self.alice = self.admin.add_user(POOL_ID, "alice", "correct horse", "alice@example.com")
        deps = Deps(self.storage, self.clock, PUBLIC_URL, _tokens())
        self.directory = PoolDirectory(deps, generate_key=next_key)
        self.provider = UserPoolProvider(
            self.directory, Authenticator(self.storage, self.clock, passwords)
        )

    def call(
        self,
        method: str,
        path: str,
        *,
        query: dict[str, str] | None = None,
        form: dict[str, str] | None = None,
        authorization: str | None = None,
        client_ip: str | None = None,
    ) -> IdpResponse:
        request = IdpRequest(method, path, query or {}, form or {}, authorization, client_ip)
        return self.provider.handle(POOL_ID, request)

    def authorize_params(self, **overrides: str) -> dict[str, str]:
        params = {
            "client_id": self.public.client_id,
            "redirect_uri": CALLBACK,
            "response_type": "code",
            "scope": "openid email",
            "state": "st4te",
            "code_challenge": pkce.challenge_of(VERIFIER),
            "code_challenge_method": "S256",
        }
        params.update(overrides)
        return {k: v for k, v in params.items() if v != ""}

    def sign_in(
        self,
        username: str = "alice",
        password: str = "correct horse",
        client_ip: str | None = None,
        **kw: str,
    ) -> IdpResponse:
        form = {**self.authorize_params(**kw), "username": username, "password": password}
        return self.call("POST", "/oauth2/authorize", form=form, client_ip=client_ip)

    def code(self, **kw: str) -> str:
        answer = self.sign_in(**kw)
        assert answer.status == 302, answer.body
        return redirect_query(answer)["code"]

    def exchange(self, code: str, verifier: str | None = VERIFIER, **extra: str) -> IdpResponse:
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": self.public.client_id,
            "redirect_uri": CALLBACK,
        }
        if verifier is not None:
            form["code_verifier"] = verifier
        form.update(extra)
        return self.call("POST", "/oauth2/token", form=form)


def location(answer: IdpResponse) -> str:
    return dict(answer.headers)["location"]


def redirect_query(answer: IdpResponse) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location(answer)).query).items()}


def body(answer: IdpResponse) -> Any:
    return orjson.loads(answer.body)


def claims(token: str) -> dict[str, Any]:
    import base64

    payload = token.split(".")[1]
    return orjson.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
