"""The Cognito Identity API behind the JSON 1.1 edge: operation name → use case.

GetId, GetOpenIdToken and GetCredentialsForIdentity are unsigned (`authtype: none` in the
service model): browsers call them before they have credentials. Every other operation
needs the account's admin credentials, as the IAM API does here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dynafed.auth.principal import Principal
from dynafed.cognito import validation
from dynafed.cognito.identities import Identities
from dynafed.cognito.pools import PoolAdmin
from dynafed.errors import CognitoUnknownOperation, NotAuthorizedException

UseCase = Callable[[dict[str, Any], str], dict[str, Any]]
"""(request body, the request's region) → answer."""
TARGET_PREFIX = "AWSCognitoIdentityService."


class CognitoIdentityService:
    def __init__(self, pools: PoolAdmin, identities: Identities) -> None:
        self._use_cases: dict[str, UseCase] = {
            "CreateIdentityPool": pools.create,
            "DescribeIdentityPool": pools.describe,
            "ListIdentityPools": pools.list,
            "UpdateIdentityPool": pools.update,
            "DeleteIdentityPool": pools.delete,
            "SetIdentityPoolRoles": pools.set_roles,
            "GetIdentityPoolRoles": pools.get_roles,
            "GetId": identities.get_id,
            "GetOpenIdToken": identities.get_open_id_token,
            "GetCredentialsForIdentity": identities.get_credentials,
        }

    @staticmethod
    def may_be_unsigned(operation: str) -> bool:
        return validation.is_unsigned(operation)

    def handle(
        self, operation: str, body: dict[str, Any], caller: Principal | None, region: str
    ) -> dict[str, Any]:
        """`region`: the credential scope's, or for an unsigned call the region its pool or
        identity id names (identity pools are regional, as on AWS)."""
        use_case = self._use_cases.get(operation)
        if use_case is None:
            raise CognitoUnknownOperation(f"Operation {operation} is not supported.")
        if not validation.is_unsigned(operation) and (caller is None or not caller.is_admin):
            who = caller.arn if caller is not None else "anonymous"
            raise NotAuthorizedException(
                f"User: {who} is not authorized to perform: cognito-identity:{operation}"
            )
        return use_case(validation.validate(operation, body), region)
