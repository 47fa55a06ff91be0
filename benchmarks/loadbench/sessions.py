"""GameRole web-identity sessions for the FGAC scenarios, obtained the way an app obtains them.

As admin, the harness registers the identity provider (IAM CreateOpenIDConnectProvider) and
creates GameRole: a trust policy for that provider and the reference fine-grained permission
policy (own partition only, allow-listed attributes, projection required; see
../shared/design/iam-fgac.md 5.6). Then, for each player, it trades an ID token whose `sub` is
the player's id for temporary credentials with AssumeRoleWithWebIdentity (unsigned, as the
SDKs call it).

Where the ID tokens come from is pluggable: DYNAFED_BENCH_TOKEN_SOURCE names
"module:factory", a zero-argument callable returning a TokenSource (it may start an identity
provider; `close()` stops it). The default is the project's test IdP (idp_tokens.py). If no
source works, the GameRole scenarios are reported unsupported with the reason.
"""

from __future__ import annotations

import importlib
import json
import os
from typing import Any, Protocol
from urllib.parse import urlsplit

import botocore.session
from botocore import UNSIGNED
from botocore.config import Config

from loadbench.dataset import ATTRIBUTES, TABLE, player_id
from loadbench.signing import Credentials

TOKEN_SOURCE_ENV = "DYNAFED_BENCH_TOKEN_SOURCE"
DEFAULT_TOKEN_SOURCE = "loadbench.idp_tokens:start"
ROLE_NAME = "GameRole"
GAMEROLE_ACTIONS = (
    "GetItem", "BatchGetItem", "Query", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem",
)  # fmt: skip


class TokenSource(Protocol):
    issuer: str
    """The `iss` of the tokens, e.g. https://127.0.0.1:9443/oidc."""
    audience: str
    """The `aud` of the tokens: the client id registered with the provider."""
    server_env: dict[str, str]
    """Environment dynafed needs to reach the provider (e.g. a CA bundle), set at start."""

    def token_for(self, subject: str) -> str: ...

    def close(self) -> None: ...


class SessionsUnavailable(Exception):
    """GameRole sessions cannot be had; the GameRole scenarios are unsupported."""


def load_token_source() -> TokenSource:
    spec = os.environ.get(TOKEN_SOURCE_ENV) or DEFAULT_TOKEN_SOURCE
    module_name, _, factory_name = spec.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), factory_name)
        source: TokenSource = factory()
    except Exception as error:
        raise SessionsUnavailable(f"token source {spec} failed: {error}") from error
    return source


def provider_path(issuer: str) -> str:
    """The issuer without its scheme: the IAM provider's name and its condition-key prefix."""
    url = urlsplit(issuer)
    return (url.netloc + url.path).rstrip("/")


def trust_policy(provider_arn: str, path: str, audience: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": provider_arn},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {"StringEquals": {f"{path}:aud": audience}},
                }
            ],
        }
    )


def permission_policy(region: str, account_id: str, path: str) -> str:
    """AWS's GameRole example, keyed on the provider's `sub` instead of Login with Amazon's."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AllowAccessToOnlyItemsMatchingUserID",
                    "Effect": "Allow",
                    "Action": [f"dynamodb:{action}" for action in GAMEROLE_ACTIONS],
                    "Resource": [f"arn:aws:dynamodb:{region}:{account_id}:table/{TABLE}"],
                    "Condition": {
                        "ForAllValues:StringEquals": {
                            "dynamodb:LeadingKeys": [f"${{{path}:sub}}"],
                            "dynamodb:Attributes": list(ATTRIBUTES),
                        },
                        "StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"},
                    },
                }
            ],
        }
    )


def _client(service: str, endpoint: str, region: str, credentials: Credentials | None) -> Any:
    session = botocore.session.get_session()
    if credentials is None:
        config = Config(signature_version=UNSIGNED, retries={"max_attempts": 1})
        return session.create_client(
            service, region_name=region, endpoint_url=endpoint, config=config
        )
    return session.create_client(
        service,
        region_name=region,
        endpoint_url=endpoint,
        aws_access_key_id=credentials.access_key_id,
        aws_secret_access_key=credentials.secret_access_key,
        config=Config(retries={"max_attempts": 1}),
    )


def gamerole_sessions(
    endpoint: str,
    region: str,
    account_id: str,
    admin: Credentials,
    tokens: TokenSource,
    players: int,
) -> list[Credentials]:
    """Session credentials for players 0..players-1, each the `sub` of its own ID token."""
    try:
        iam = _client("iam", endpoint, region, admin)
        path = provider_path(tokens.issuer)
        provider_arn = iam.create_open_id_connect_provider(
            Url=tokens.issuer, ClientIDList=[tokens.audience]
        )["OpenIDConnectProviderArn"]
        role_arn = iam.create_role(
            RoleName=ROLE_NAME,
            AssumeRolePolicyDocument=trust_policy(provider_arn, path, tokens.audience),
        )["Role"]["Arn"]
        iam.put_role_policy(
            RoleName=ROLE_NAME,
            PolicyName="GameScoresOwnItems",
            PolicyDocument=permission_policy(region, account_id, path),
        )
        sts = _client("sts", endpoint, region, None)
        sessions = []
        for index in range(players):
            answer = sts.assume_role_with_web_identity(
                RoleArn=role_arn,
                RoleSessionName=f"bench-{index}",
                WebIdentityToken=tokens.token_for(player_id(index)),
            )["Credentials"]
            sessions.append(
                Credentials(
                    answer["AccessKeyId"], answer["SecretAccessKey"], answer["SessionToken"]
                )
            )
    except Exception as error:
        raise SessionsUnavailable(f"{type(error).__name__}: {error}") from error
    return sessions
