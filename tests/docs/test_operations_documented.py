"""docs/reference/operations.md lists exactly the operations each API serves.

Registered operations come from the services themselves: DynamoDB's and IAM's dispatch
tables, and for STS and Cognito Identity (whose tables are built at wiring time) every
operation of botocore's service model is sent to the service as the server builds it; an
operation is served unless the answer is the API's unknown-operation error. DynamoDB
Streams' table is `streams.service.OPERATIONS`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from functools import cache
from typing import Any

import botocore.session
import pytest

from dynafed.auth.principal import Principal
from dynafed.cognito.service import CognitoIdentityService
from dynafed.core.clock import FixedClock
from dynafed.dynamodb.service import OPERATIONS
from dynafed.dynamodb.streams.service import OPERATIONS as STREAMS_OPERATIONS
from dynafed.enforcement.authorizer import Authorizers
from dynafed.enforcement.context import RequestFacts
from dynafed.enforcement.policy_cache import CompiledPolicies
from dynafed.enforcement.role_cache import RoleCache
from dynafed.errors import AwsError, CognitoUnknownOperation, InvalidAction
from dynafed.iam.api.service import USE_CASES
from dynafed.server.compose import build_sts
from dynafed.server.identity_settings import IdentitySettings
from dynafed.storage.memory import MemoryStorage
from dynafed.sts.keyring_store import KeyringStore
from dynafed.userpool.api.service import USE_CASES as USER_POOL_USE_CASES
from tests.docs.markdown import chapters, first_column_names, read

ACCOUNT = "123456789012"
ADMIN = Principal("AKIAADMINADMINADMIN1", ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root", ACCOUNT)


def model_operations(service: str) -> list[str]:
    return list(botocore.session.get_session().get_service_model(service).operation_names)


def served(operations: list[str], call: Callable[[str], object], unknown: type) -> set[str]:
    """The operations `call` does not refuse with the API's unknown-operation error."""
    found = set()
    for operation in operations:
        try:
            call(operation)
        except unknown:
            continue
        except AwsError:
            pass  # refused for its (empty) parameters: the operation exists
        found.add(operation)
    return found


@cache
def sts_actions() -> set[str]:
    storage, clock = MemoryStorage(), FixedClock(1_700_000_000.0)
    compiled, facts = CompiledPolicies(), RequestFacts(requested_region="us-east-1")
    sts = build_sts(
        storage,
        clock,
        KeyringStore(storage, clock, random.Random(1).randbytes),
        compiled,
        Authorizers(RoleCache(storage, clock), compiled, clock, facts, None),
        facts,
        None,
        IdentitySettings(),
    )
    return served(model_operations("sts"), lambda a: sts.handle(a, {}, ADMIN), InvalidAction)


class _AnyUseCase:
    """Stands in for the pool and identity services: every use case answers `{}`."""

    def __getattr__(self, name: str) -> Callable[[dict[str, Any], str], dict[str, Any]]:
        return lambda body, region: {}


@cache
def cognito_operations() -> set[str]:
    cognito = CognitoIdentityService(_AnyUseCase(), _AnyUseCase())  # type: ignore[arg-type]
    return served(
        model_operations("cognito-identity"),
        lambda op: cognito.handle(op, {}, ADMIN, "us-east-1"),
        CognitoUnknownOperation,
    )


REGISTERED: dict[str, Callable[[], set[str]]] = {
    "DynamoDB": lambda: set(OPERATIONS),
    "DynamoDB Streams": lambda: set(STREAMS_OPERATIONS),
    "STS": sts_actions,
    "IAM": lambda: set(USE_CASES),
    "Cognito Identity": cognito_operations,
    "Cognito user pools": lambda: set(USER_POOL_USE_CASES),
}


@cache
def documented() -> dict[str, list[str]]:
    return {
        title: first_column_names(body) for title, body in chapters(read("operations.md")).items()
    }


@pytest.mark.parametrize("api", list(REGISTERED))
def test_every_served_operation_is_documented(api: str) -> None:
    missing = sorted(REGISTERED[api]() - set(documented().get(api, [])))
    assert not missing, f"{api} operations served but not in operations.md: {missing}"


@pytest.mark.parametrize("api", list(REGISTERED))
def test_no_documented_operation_is_unserved(api: str) -> None:
    claimed = sorted(set(documented().get(api, [])) - REGISTERED[api]())
    assert not claimed, f"operations.md lists {api} operations that are not served: {claimed}"


@pytest.mark.parametrize("api", list(REGISTERED))
def test_each_operation_is_listed_once(api: str) -> None:
    names = documented().get(api, [])
    assert sorted(names) == sorted(set(names)), f"{api}: listed twice in operations.md"


def test_the_page_has_a_chapter_per_api_and_no_other() -> None:
    assert set(documented()) == set(REGISTERED)


def test_the_discovery_tells_served_from_unknown_operations() -> None:
    # What the documentation tests rely on: an operation AWS has and dynafed does not
    # serve is found unserved, and one dynafed serves is found served.
    assert "DecodeAuthorizationMessage" not in sts_actions()
    assert {"AssumeRoleWithWebIdentity", "GetCallerIdentity"} <= sts_actions()
    assert "GetOpenIdTokenForDeveloperIdentity" not in cognito_operations()
    assert "GetId" in cognito_operations()


def test_every_user_pools_operation_is_one_of_the_cognito_idp_model() -> None:
    assert set(USER_POOL_USE_CASES) <= set(model_operations("cognito-idp"))
