"""An in-process STS + IAM that tests talk to as boto3 does: botocore's Query serializer builds
the request, our XML renderer answers, botocore's parser reads the answer (errors become
ClientError with AWS's code). Tokens come from the in-memory identity provider of the
identity tests (`idp_double`), served to a real `JwksCache` + `OidcVerifier` in the identity
registry.

(A uniquely named helper module: pytest puts this directory on sys.path.)"""

from __future__ import annotations

import json
import random
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError
from botocore.parsers import QueryParser
from botocore.serialize import create_serializer
from tests.unit.identity.idp_double import CLIENT_ID, ISSUER, NOW, FakeIdp, generate_key, mint

from dynafed.auth.principal import Principal
from dynafed.core.clock import FixedClock
from dynafed.enforcement.authorizer import Authorizers
from dynafed.enforcement.context import RequestFacts, time_keys
from dynafed.enforcement.policy_cache import CompiledPolicies
from dynafed.enforcement.role_cache import RoleCache
from dynafed.enforcement.user_cache import UserCache
from dynafed.errors import AwsError
from dynafed.iam.api.service import IamService
from dynafed.iam.provider_records import IamOidcProviders
from dynafed.identity.oidc.jwks import JwksCache
from dynafed.identity.oidc.verifier import OidcVerifier
from dynafed.identity.registry import IdentityProviders
from dynafed.server.query_protocol import render_error, render_result
from dynafed.storage.memory import MemoryStorage
from dynafed.sts.assume_role import AssumeRole
from dynafed.sts.assume_role_with_web_identity import AssumeRoleWithWebIdentity
from dynafed.sts.caller_sessions import CallerSessions
from dynafed.sts.keyring_store import KeyringStore
from dynafed.sts.role_sessions import RoleSessions
from dynafed.sts.service import StsService
from dynafed.sts.session_resolver import SessionTokenResolver

ACCOUNT = "123456789012"
REGION = "us-east-1"
STS_XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/"
IAM_XMLNS = "https://iam.amazonaws.com/doc/2010-05-08/"
PROVIDER_KEY = ISSUER.removeprefix("https://")
PROVIDER_ARN = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{PROVIDER_KEY}"
ADMIN = Principal("AKIAADMIN", ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root", ACCOUNT)

_KEYS = {"rsa": generate_key("RS256", "rsa-1")}
_BOTOCORE = botocore.session.get_session()
_MODELS = {name: _BOTOCORE.get_service_model(name) for name in ("sts", "iam")}
_SERIALIZER = create_serializer("query", include_validation=False)


def document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def web_identity_trust(*extra_actions: str, **condition: Any) -> str:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Federated": PROVIDER_ARN},
        "Action": ["sts:AssumeRoleWithWebIdentity", *extra_actions],
    }
    if condition:
        statement["Condition"] = condition
    return document(statement)


class Harness:
    def __init__(self) -> None:
        self.clock = FixedClock(NOW)
        self.storage = MemoryStorage()
        self.idp = FakeIdp(published=[_KEYS["rsa"]])
        self.key = _KEYS["rsa"]
        self.iam = IamService(self.storage, ACCOUNT, self.clock)
        self.random = random.Random(7)
        self.keyrings = KeyringStore(self.storage, self.clock, self.random.randbytes)
        compiled = CompiledPolicies()
        self.roles = RoleCache(self.storage, self.clock)
        self.authorizers = Authorizers(
            self.roles,
            compiled,
            self.clock,
            RequestFacts(REGION),
            users=UserCache(self.storage, self.clock),
        )
        verifier = OidcVerifier(
            IamOidcProviders(self.storage), JwksCache(self.idp.fetch, self.clock), self.clock
        )
        sessions = RoleSessions(
            self.storage, self.clock, self.keyrings.current, self.random.randbytes, compiled.get
        )
        web_identity = AssumeRoleWithWebIdentity(
            IdentityProviders(verifier), sessions, lambda: time_keys(self.clock.now())
        )
        self.audit: list[dict[str, Any]] = []
        callers = CallerSessions(
            self.storage,
            self.clock,
            self.keyrings.current,
            self.random.randbytes,
            compiled.get,
            self.authorizers,
        )
        self.sts = StsService(
            {
                "AssumeRoleWithWebIdentity": lambda params, _caller: web_identity(params),
                "AssumeRole": AssumeRole(sessions, self.authorizers),
                "GetSessionToken": callers.get_session_token,
                "GetFederationToken": callers.get_federation_token,
            },
            self.audit.append,
        )
        self.resolver = SessionTokenResolver(
            self.keyrings.current, self.keyrings.containing, account_id=ACCOUNT
        )

    # --- talking as boto3 does ------------------------------------------------------------

    def _call(
        self, service: Any, name: str, xmlns: str, caller: Principal | None, **params: Any
    ) -> Any:
        op = _MODELS[name].operation_model(params.pop("_operation"))
        body = _SERIALIZER.serialize_to_request(params, op)["body"]
        form = {k: str(v) for k, v in body.items()}
        try:
            result = service.handle(op.name, form, caller)
        except AwsError as error:
            rendered = render_error(error.code, error.message, "Sender", xmlns, "req")
            response = {"body": rendered, "headers": {}, "status_code": error.status}
            raise ClientError(QueryParser().parse(response, op.output_shape), op.name) from error
        rendered = render_result(op.name, result, xmlns, "req")
        parsed = QueryParser().parse(
            {"body": rendered, "headers": {}, "status_code": 200}, op.output_shape
        )
        parsed.pop("ResponseMetadata", None)
        return parsed

    def sts_call(self, operation: str, caller: Principal | None = None, **params: Any) -> Any:
        return self._call(self.sts, "sts", STS_XMLNS, caller, _operation=operation, **params)

    def iam_call(self, operation: str, **params: Any) -> Any:
        return self._call(self.iam, "iam", IAM_XMLNS, ADMIN, _operation=operation, **params)

    def sts_error(
        self, operation: str, caller: Principal | None = None, **params: Any
    ) -> tuple[str, str, int]:
        with pytest.raises(ClientError) as caught:
            self.sts_call(operation, caller, **params)
        response = caught.value.response
        return (
            response["Error"]["Code"],
            response["Error"]["Message"],
            response["ResponseMetadata"]["HTTPStatusCode"],
        )

    # --- set-up through IAM ---------------------------------------------------------------

    def register_provider(self, client_ids: tuple[str, ...] = (CLIENT_ID,)) -> str:
        arn: str = self.iam_call(
            "CreateOpenIDConnectProvider", Url=ISSUER, ClientIDList=list(client_ids)
        )["OpenIDConnectProviderArn"]
        return arn

    def create_role(self, name: str = "GameRole", trust: str | None = None, **params: Any) -> str:
        role = self.iam_call(
            "CreateRole",
            RoleName=name,
            AssumeRolePolicyDocument=trust or web_identity_trust(),
            **params,
        )["Role"]
        arn: str = role["Arn"]
        return arn

    def put_role_policy(self, role: str, *statements: dict[str, Any]) -> None:
        self.iam_call(
            "PutRolePolicy",
            RoleName=role,
            PolicyName="inline",
            PolicyDocument=document(*statements),
        )

    def create_policy(self, name: str, *statements: dict[str, Any]) -> str:
        arn: str = self.iam_call(
            "CreatePolicy", PolicyName=name, PolicyDocument=document(*statements)
        )["Policy"]["Arn"]
        return arn

    # --- tokens and exchanges -------------------------------------------------------------

    def token(self, **claims: Any) -> str:
        return mint(self.key, **claims)

    def exchange(self, role_arn: str, token: str | None = None, **params: Any) -> Any:
        return self.sts_call(
            "AssumeRoleWithWebIdentity",
            RoleArn=role_arn,
            RoleSessionName=params.pop("RoleSessionName", "app1"),
            WebIdentityToken=token or self.token(),
            **params,
        )

    def exchange_error(
        self, role_arn: str, token: str | None = None, **params: Any
    ) -> tuple[str, str, int]:
        return self.sts_error(
            "AssumeRoleWithWebIdentity",
            RoleArn=role_arn,
            RoleSessionName=params.pop("RoleSessionName", "app1"),
            WebIdentityToken=token or self.token(),
            **params,
        )

    def principal(self, credentials: dict[str, Any]) -> Principal:
        """Who the minted credentials authenticate as (what the authenticator resolves)."""
        _, principal = self.resolver.resolve(
            credentials["AccessKeyId"], credentials["SessionToken"], self.clock.now()
        )
        return principal
