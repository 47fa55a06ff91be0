"""The cognito-idp use cases in process (memory storage, a clock moved by hand): what the
e2e tests cannot reach cheaply, such as session expiry, lockout, regions, the IAM request a
management call is authorized as, and the hosted UI refusing a temporary password."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from tests.unit.userpool.pool_harness import POOL_ID, Pool, claims

from dynafed.auth.principal import Principal, SessionContext
from dynafed.core.authorization import AllowAll, AuthorizationRequest
from dynafed.errors import AccessDeniedException, AwsError
from dynafed.userpool.api.context import ApiContext, Call
from dynafed.userpool.api.service import CognitoIdpService
from dynafed.userpool.passwords import fast_passwords
from dynafed.userpool.provider import CHANGE_PASSWORD_FIRST
from dynafed.userpool.signin import Authenticator

ACCOUNT = "123456789012"
ADMIN = Principal("AKIAADMIN", ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root", ACCOUNT)
FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


class Api:
    def __init__(self) -> None:
        self.pool = Pool()
        passwords = fast_passwords()
        check = Authenticator(self.pool.storage, self.pool.clock, passwords)
        context = ApiContext(self.pool.directory, passwords, check, ACCOUNT)
        self.service = CognitoIdpService(context)
        self.admin = Call("us-east-1", ADMIN, AllowAll(), "192.0.2.1")
        self.client_id = self(
            "CreateUserPoolClient",
            UserPoolId=POOL_ID,
            ClientName="app",
            ExplicitAuthFlows=FLOWS,
            PreventUserExistenceErrors="ENABLED",
        )["UserPoolClient"]["ClientId"]

    def __call__(self, operation: str, call: Call | None = None, **body: Any) -> dict[str, Any]:
        return self.service.handle(operation, body, call or self.admin)

    def sign_in(self, username: str, password: str, ip: str = "192.0.2.1") -> dict[str, Any]:
        return self(
            "InitiateAuth",
            Call("us-east-1", client_ip=ip),
            ClientId=self.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password},
        )


def refusal(call: Any) -> AwsError:
    with pytest.raises(AwsError) as raised:
        call()
    return raised.value


def test_a_user_made_by_dynafed_users_signs_in_through_the_api() -> None:
    api = Api()
    result = api.sign_in("alice", "correct horse")["AuthenticationResult"]
    assert claims(result["IdToken"])["iss"] == f"http://127.0.0.1:8000/idp/{POOL_ID}"
    assert claims(result["IdToken"])["email"] == "alice@example.com"


def test_a_challenge_session_expires_after_three_minutes() -> None:
    api = Api()
    api("AdminCreateUser", UserPoolId=POOL_ID, Username="bob", TemporaryPassword="temporary1")
    challenge = api.sign_in("bob", "temporary1")
    api.pool.clock.advance(181)
    error = refusal(
        lambda: api(
            "RespondToAuthChallenge",
            Call("us-east-1"),
            ClientId=api.client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=challenge["Session"],
            ChallengeResponses={"USERNAME": "bob", "NEW_PASSWORD": "new-password"},
        )
    )
    assert (error.code, error.message) == (
        "NotAuthorizedException",
        "Invalid session for the user, session is expired.",
    )


def test_the_hosted_ui_refuses_a_temporary_password() -> None:
    api = Api()
    api("AdminCreateUser", UserPoolId=POOL_ID, Username="carl", TemporaryPassword="temporary1")
    page = api.pool.sign_in("carl", "temporary1")
    assert page.status == 400 and CHANGE_PASSWORD_FIRST.encode() in page.body


def test_wrong_passwords_lock_the_user_for_that_address_as_the_hosted_ui_does() -> None:
    api = Api()  # the harness pool locks after 3 failures
    for _ in range(3):
        assert refusal(lambda: api.sign_in("alice", "wrong")).message == (
            "Incorrect username or password."
        )
    assert refusal(lambda: api.sign_in("alice", "correct horse")).message == (
        "Password attempts exceeded"
    )
    assert api.sign_in("alice", "correct horse", ip="198.51.100.7")["AuthenticationResult"]


def test_pools_are_regional() -> None:
    api = Api()
    elsewhere = Call("eu-west-1", ADMIN, AllowAll())
    assert refusal(lambda: api("DescribeUserPool", elsewhere, UserPoolId=POOL_ID)).code == (
        "ResourceNotFoundException"
    )
    made = api("CreateUserPool", elsewhere, PoolName="eu")["UserPool"]["Id"]
    assert made.startswith("eu-west-1_")
    listed = api("ListUserPools", MaxResults=60)["UserPools"]
    assert [p["Id"] for p in listed] == [POOL_ID]


class Recording:
    def __init__(self, allow: bool) -> None:
        self.allow = allow
        self.asked: list[AuthorizationRequest] = []

    def authorize(self, requests: Sequence[AuthorizationRequest]) -> None:
        self.asked += requests
        if not self.allow:
            raise AccessDeniedException("User: session is not authorized")


def test_management_is_authorized_as_an_iam_action_on_the_pool() -> None:
    api = Api()
    session = SessionContext("arn:aws:iam::123456789012:role/GameRole", "AROA1", "s", 2e9)
    player = Principal(
        "ASIA1",
        ACCOUNT,
        "arn:aws:sts::123456789012:assumed-role/GameRole/s",
        "AROA1:s",
        session=session,
    )
    denied = Recording(allow=False)
    error = refusal(
        lambda: api(
            "AdminGetUser", Call("us-east-1", player, denied), UserPoolId=POOL_ID, Username="alice"
        )
    )
    assert error.code == "AccessDeniedException"
    assert denied.asked == [
        AuthorizationRequest(
            "cognito-idp:AdminGetUser",
            f"arn:aws:cognito-idp:us-east-1:{ACCOUNT}:userpool/{POOL_ID}",
        )
    ]
    allowed = Recording(allow=True)
    api("ListUserPools", Call("us-east-1", player, allowed), MaxResults=5)
    assert allowed.asked == [AuthorizationRequest("cognito-idp:ListUserPools", "*")]


def test_validation_uses_the_models_wording() -> None:
    api = Api()
    error = refusal(lambda: api("DescribeUserPool", UserPoolId="not a pool"))
    assert error.code == "ValidationException"
    assert error.message == (
        "1 validation error detected: Value 'not a pool' at 'userPoolId' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+"
    )
    assert refusal(lambda: api("ListUserPools", MaxResults="ten")).code == (
        "SerializationException"
    )


def test_a_refresh_token_stops_working_when_its_user_is_deleted() -> None:
    api = Api()
    token = api.sign_in("alice", "correct horse")["AuthenticationResult"]["RefreshToken"]
    api("AdminDeleteUser", UserPoolId=POOL_ID, Username="alice")
    error = refusal(
        lambda: api(
            "InitiateAuth",
            Call("us-east-1"),
            ClientId=api.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": token},
        )
    )
    assert error.code == "NotAuthorizedException"


def test_a_client_with_a_secret_is_refused_until_secret_hash_is_checked() -> None:
    api = Api()
    secret_client = api(
        "CreateUserPoolClient",
        UserPoolId=POOL_ID,
        ClientName="server",
        GenerateSecret=True,
        ExplicitAuthFlows=FLOWS,
    )["UserPoolClient"]
    assert secret_client["ClientSecret"]
    error = refusal(
        lambda: api(
            "AdminInitiateAuth",
            UserPoolId=POOL_ID,
            ClientId=secret_client["ClientId"],
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "alice", "PASSWORD": "correct horse"},
        )
    )
    assert error.code == "NotAuthorizedException" and "SECRET_HASH" in error.message


def test_delete_user_pool_takes_its_clients_and_users() -> None:
    api = Api()
    api("DeleteUserPool", UserPoolId=POOL_ID)
    assert api.pool.admin.list_pools() == []
    assert api.pool.admin.list_clients(POOL_ID) == []
