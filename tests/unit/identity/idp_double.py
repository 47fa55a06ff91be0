"""An in-memory identity provider for unit tests: it mints ID tokens with joserfc and serves
its discovery document and JWKS through the `fetch(url)` transport `JwksCache` takes.

(A uniquely named helper module: pytest puts this directory on sys.path.)"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey
from joserfc.jws import JWSRegistry

from dynafed.identity.fetch import FetchFailed, FetchResult

ISSUER = "https://idp.example.test/realms/game"
CLIENT_ID = "game-web"
NOW = 1_800_000_000.0

SigningKey = RSAKey | ECKey

_CURVES = {"ES256": "P-256", "ES384": "P-384", "ES512": "P-521"}


def generate_key(alg: str, kid: str) -> SigningKey:
    if alg.startswith("ES"):
        return ECKey.generate_key(_CURVES[alg], parameters={"kid": kid}, private=True)
    return RSAKey.generate_key(2048, parameters={"kid": kid}, private=True)


@dataclass
class FakeIdp:
    """Serves discovery + JWKS; tests change what it publishes and whether it answers."""

    published: list[SigningKey]
    issuer: str = ISSUER
    jwks_uri: str = ISSUER + "/protocol/openid-connect/certs"
    cache_control: str | None = "max-age=600"
    status: int = 200
    down: bool = False
    jwks_override: Any = None
    discovery_override: Any = None
    requests: list[str] = field(default_factory=list)

    def fetch(self, url: str) -> FetchResult:
        self.requests.append(url)
        if self.down:
            raise FetchFailed("connection refused")
        headers = {"Content-Type": "application/json"}
        if self.cache_control is not None:
            headers["Cache-Control"] = self.cache_control
        if url == self.issuer.rstrip("/") + "/.well-known/openid-configuration":
            doc = self.discovery_override or {"issuer": self.issuer, "jwks_uri": self.jwks_uri}
        elif url == self.jwks_uri:
            doc = self.jwks_override or {"keys": [self.public_jwk(k) for k in self.published]}
        else:
            return 404, {}, b"not found"
        body = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
        return self.status, headers, body

    @staticmethod
    def public_jwk(key: SigningKey, **extra: Any) -> dict[str, Any]:
        return {**key.as_dict(private=False), "use": "sig", **extra}

    @property
    def jwks_fetches(self) -> int:
        return self.requests.count(self.jwks_uri)


def mint(
    key: Any,
    alg: str = "RS256",
    header: dict[str, Any] | None = None,
    **claims: Any,
) -> str:
    """A signed ID token with sensible defaults; pass a claim as None to leave it out."""
    body: dict[str, Any] = {
        "iss": ISSUER,
        "aud": CLIENT_ID,
        "sub": "user-0001",
        "iat": int(NOW) - 10,
        "exp": int(NOW) + 600,
        **claims,
    }
    body = {k: v for k, v in body.items() if v is not None}
    kid = getattr(key, "kid", None)
    head = {"alg": alg, **({"kid": kid} if kid else {}), **(header or {})}
    return jwt.encode(head, body, key, algorithms=[alg])


def sign_raw(key: Any, alg: str, header: dict[str, Any], claims: dict[str, Any]) -> str:
    """Sign exactly the header given (joserfc's encoder refuses unusual headers)."""
    segments = [_b64(json.dumps(part).encode()) for part in (header, claims)]
    signing_input = ".".join(segments).encode()
    signature = JWSRegistry.algorithms[alg].sign(signing_input, key)
    return f"{segments[0]}.{segments[1]}.{_b64(signature)}"


def default_claims(**claims: Any) -> dict[str, Any]:
    return {"iss": ISSUER, "aud": CLIENT_ID, "sub": "user-0001", "exp": int(NOW) + 600, **claims}


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
