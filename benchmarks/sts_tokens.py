"""Identity-token verifications and session-token seal/open per second (single thread).

- `verify RS256/ES256`: `OidcVerifier.verify` with a warm JWKS cache (keys served from
  memory, so this is parse + signature + claim checks + context keys).
- `seal` / `open`: sealed session tokens (AES-256-GCM, orjson, zlib when smaller) for a
  typical web-identity session, and for one carrying the GameRole policy as a session policy.
  `open` runs on every request made with temporary credentials.

    .venv/bin/python benchmarks/sts_tokens.py [--seconds 1.0]
"""

from __future__ import annotations

import argparse
import json
import secrets
import time
from collections.abc import Callable

from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

from dynafed.auth.principal import SessionContext
from dynafed.core.clock import SystemClock
from dynafed.identity.fetch import FetchResult
from dynafed.identity.oidc.jwks import JwksCache
from dynafed.identity.oidc.verifier import OidcProviderRecord, OidcVerifier
from dynafed.sts.credentials import issue_credentials
from dynafed.sts.session_token import Keyring, open_session_token, seal_session_token

ISSUER = "https://idp.example.test/idp"
PREFIX = "idp.example.test/idp"
PROVIDER_ARN = f"arn:aws:iam::123456789012:oidc-provider/{PREFIX}"
GAME_ROLE_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"],
                "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/GameScores",
                "Condition": {
                    "ForAllValues:StringEquals": {
                        "dynamodb:LeadingKeys": [f"${{{PREFIX}:sub}}"],
                        "dynamodb:Attributes": [
                            "UserId",
                            "GameTitle",
                            "TopScore",
                            "TopScoreDateTime",
                            "Wins",
                            "Losses",
                        ],
                    },
                    "StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"},
                },
            }
        ],
    }
)


def rate(seconds: float, operation: Callable[[], object]) -> float:
    done = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        for _ in range(50):
            operation()
        done += 50
    return done / (time.perf_counter() - started)


def verifier_and_tokens() -> tuple[OidcVerifier, dict[str, str]]:
    keys = {
        "RS256": RSAKey.generate_key(2048, parameters={"kid": "rsa"}, private=True),
        "ES256": ECKey.generate_key("P-256", parameters={"kid": "ec"}, private=True),
    }
    jwks = json.dumps({"keys": [k.as_dict(private=False) for k in keys.values()]}).encode()
    discovery = json.dumps({"issuer": ISSUER, "jwks_uri": ISSUER + "/jwks"}).encode()

    def fetch(url: str) -> FetchResult:
        return 200, {"cache-control": "max-age=86400"}, discovery if "well-known" in url else jwks

    record = OidcProviderRecord(PROVIDER_ARN, ISSUER, ("game-web",))
    clock = SystemClock()
    verifier = OidcVerifier({ISSUER: record}.get, JwksCache(fetch, clock), clock)
    now = int(clock.now())
    claims = {"iss": ISSUER, "aud": "game-web", "sub": "user-0001", "iat": now, "exp": now + 3600}
    tokens = {
        alg: jwt.encode({"alg": alg, "kid": key.kid}, claims, key, algorithms=[alg])
        for alg, key in keys.items()
    }
    for token in tokens.values():
        verifier.verify(token)  # warm the cache
    return verifier, tokens


def session(policies: tuple[str, ...]) -> SessionContext:
    return SessionContext(
        role_arn="arn:aws:iam::123456789012:role/GameRole",
        role_id="AROA" + "EXAMPLEROLEID0001",
        session_name="web-identity-user-0001",
        expires_at=time.time() + 3600,
        session_policies=policies,
        has_session_policies=bool(policies),
        context_keys={
            f"{PREFIX}:sub": ["user-0001"],
            f"{PREFIX}:aud": ["game-web"],
            "aws:FederatedProvider": [PROVIDER_ARN],
        },
        extra={"issued_at": time.time()},
    )


def report_session_tokens(
    label: str, ctx: SessionContext, keyring: Keyring, seconds: float
) -> None:
    creds = issue_credentials(ctx, keyring, secrets.token_bytes)
    akid, secret, token = creds.access_key_id, creds.secret_access_key, creds.session_token
    now = time.time()
    sealed = rate(
        seconds, lambda: seal_session_token(ctx, secret, akid, keyring, secrets.token_bytes)
    )
    opened = rate(seconds, lambda: open_session_token(token, akid, keyring, now))
    print(f"seal {label:<33} {sealed:>10,.0f} /s   token {len(token)} chars")
    print(f"open {label:<33} {opened:>10,.0f} /s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0)
    seconds = parser.parse_args().seconds

    verifier, tokens = verifier_and_tokens()
    for alg, token in tokens.items():
        print(f"verify {alg:<31} {rate(seconds, lambda t=token: verifier.verify(t)):>10,.0f} /s")

    keyring = Keyring.generate(secrets.token_bytes, time.time())
    report_session_tokens("typical session", session(()), keyring, seconds)
    report_session_tokens(
        "with GameRole session policy", session((GAME_ROLE_POLICY,)), keyring, seconds
    )
    issued = rate(seconds, lambda: issue_credentials(session(()), keyring, secrets.token_bytes))
    print(f"{'issue_credentials (mint + seal)':<38} {issued:>10,.0f} /s")


if __name__ == "__main__":
    main()
