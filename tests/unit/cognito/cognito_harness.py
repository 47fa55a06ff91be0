"""In-process identity pools for unit tests: the user pool of the user-pool harness as the
login provider, IAM and STS role sessions on the same memory storage, a hand-moved clock."""

from __future__ import annotations

import json
import random
from typing import Any

from tests.unit.userpool.pool_harness import POOL_ID, Pool, body, next_key

from dynafed.auth.principal import Principal
from dynafed.cognito.identities import Identities
from dynafed.cognito.logins import LoginVerifier
from dynafed.cognito.model import get_pool
from dynafed.cognito.openid_token import OpenIdTokens
from dynafed.cognito.pools import PoolAdmin
from dynafed.cognito.service import CognitoIdentityService
from dynafed.enforcement.policy_cache import CompiledPolicies
from dynafed.errors import InvalidIdentityToken
from dynafed.iam.api.service import IamService
from dynafed.identity.builtin.identity_pool_tokens import IdentityPoolTokens
from dynafed.identity.registry import IdentityProviders
from dynafed.identity.verified import VerifiedIdentity
from dynafed.sts.assume_role_with_web_identity import AssumeRoleWithWebIdentity
from dynafed.sts.keyring_store import KeyringStore
from dynafed.sts.role_sessions import RoleSessions
from dynafed.userpool.signing import RotatingSigningKeys

ACCOUNT = "123456789012"
REGION = "us-east-1"
PROVIDER = f"cognito-idp.{REGION}.amazonaws.com/{POOL_ID}"
ISSUER = "http://127.0.0.1:8000/cognito-identity"
ADMIN = Principal("AKIAADMIN", ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root", ACCOUNT)


class NoOidcProviders:
    """The IAM OIDC verifier of an account that registered no provider."""

    def verify(self, token: str) -> VerifiedIdentity:
        raise InvalidIdentityToken("No OpenIDConnect provider found in your account for x")


def trust(pool_id: str, amr: str = "authenticated") -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": "cognito-identity.amazonaws.com"},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                        "StringEquals": {"cognito-identity.amazonaws.com:aud": pool_id},
                        "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": amr},
                    },
                }
            ],
        }
    )


class Cognito:
    def __init__(self) -> None:
        self.users = Pool()
        self.clock, self.storage = self.users.clock, self.users.storage
        rng = random.Random(7)
        keys = RotatingSigningKeys(
            self.storage, self.clock, "cognito-identity", "RS512", generate=next_key
        )
        self.tokens = OpenIdTokens(keys, ISSUER, self.clock)
        compiled = CompiledPolicies()
        keyring = KeyringStore(self.storage, self.clock, rng.randbytes)
        sessions = RoleSessions(
            self.storage, self.clock, keyring.current, rng.randbytes, compiled.get
        )
        pool_tokens = IdentityPoolTokens(keys, ISSUER, self.clock, self._classic)
        self.providers = IdentityProviders(NoOidcProviders(), built_in=[pool_tokens])
        self.sts = AssumeRoleWithWebIdentity(self.providers, sessions, lambda: {})
        logins = LoginVerifier(self.users.directory, self.providers, self.clock)
        identities = Identities(self.storage, self.clock, logins, self.tokens, self.sts.issue)
        self.service = CognitoIdentityService(PoolAdmin(self.storage), identities)
        self.iam = IamService(self.storage, ACCOUNT, self.clock)

    def _classic(self, pool_id: str) -> bool:
        with self.storage.read() as view:
            pool = get_pool(view, pool_id)
        return pool is not None and pool.allow_classic_flow

    def call(self, operation: str, caller: Principal | None = None, **body: Any) -> dict[str, Any]:
        return self.service.handle(operation, body, caller, REGION)

    def create_pool(self, **config: Any) -> str:
        body = {
            "IdentityPoolName": "Game players",
            "AllowUnauthenticatedIdentities": False,
            "CognitoIdentityProviders": [
                {"ProviderName": PROVIDER, "ClientId": self.users.public.client_id}
            ],
            **config,
        }
        pool_id: str = self.call("CreateIdentityPool", ADMIN, **body)["IdentityPoolId"]
        return pool_id

    def role(self, name: str, trust_policy: str) -> str:
        created = self.iam.handle(
            "CreateRole", {"RoleName": name, "AssumeRolePolicyDocument": trust_policy}, ADMIN
        )
        arn: str = created["Role"]["Arn"]
        return arn

    def id_token(self, username: str = "alice", password: str = "correct horse") -> str:
        tokens = body(self.users.exchange(self.users.code(username=username, password=password)))
        token: str = tokens["id_token"]
        return token
