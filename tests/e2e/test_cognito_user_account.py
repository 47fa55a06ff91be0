"""What a user does with their own account on the cognito-idp API, through boto3 against a
real server: ForgotPassword / ConfirmForgotPassword (the code from the outbox), and with an
access token GetUser, UpdateUserAttributes, ChangePassword, GlobalSignOut; RevokeToken and
AdminUserGlobalSignOut.

References: Amazon Cognito user pools API reference (ForgotPassword, ConfirmForgotPassword,
GetUser, UpdateUserAttributes, ChangePassword, GlobalSignOut, RevokeToken,
AdminUserGlobalSignOut).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.e2e.userpool_flow import new_pool, outbox_code, secret_hash, unsigned_idp
from tests.support.clients import client
from tests.support.server_process import ServerProcess, start_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = start_server(tmp_path_factory.mktemp("user-account"))
    yield process
    process.stop()


@pytest.fixture(scope="module")
def idp(server: ServerProcess) -> Any:
    return client(server, "cognito-idp")


@pytest.fixture(scope="module")
def public(server: ServerProcess) -> Any:
    return unsigned_idp(server)


def add_user(idp: Any, pool_id: str, name: str, password: str, email: str | None = None) -> None:
    verified = [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}]
    attributes = verified if email else []
    idp.admin_create_user(
        UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS", UserAttributes=attributes
    )
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username=name, Password=password, Permanent=True
    )


def sign_in(public: Any, client_id: str, name: str, password: str, **extra: str) -> Any:
    return public.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": name, "PASSWORD": password, **extra},
    )["AuthenticationResult"]


def test_forgot_password_then_a_new_one_with_the_code(
    idp: Any, public: Any, server: ServerProcess
) -> None:
    pool_id, client_id, _ = new_pool(idp)
    add_user(idp, pool_id, "wendy", "wendy-password", "wendy@example.com")
    sent = public.forgot_password(ClientId=client_id, Username="wendy")
    assert sent["CodeDeliveryDetails"] == {
        "Destination": "w***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    code = outbox_code(server, pool_id, "wendy", "ForgotPassword")
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(public.exceptions.CodeMismatchException):
        public.confirm_forgot_password(
            ClientId=client_id, Username="wendy", ConfirmationCode=wrong, Password="wendy-new-1"
        )
    with pytest.raises(public.exceptions.InvalidPasswordException, match="not long enough"):
        public.confirm_forgot_password(
            ClientId=client_id, Username="wendy", ConfirmationCode=code, Password="short"
        )
    public.confirm_forgot_password(
        ClientId=client_id, Username="wendy", ConfirmationCode=code, Password="wendy-new-1"
    )
    with pytest.raises(public.exceptions.NotAuthorizedException, match="Incorrect"):
        sign_in(public, client_id, "wendy", "wendy-password")
    assert sign_in(public, client_id, "wendy", "wendy-new-1")["IdToken"]
    with pytest.raises(public.exceptions.CodeMismatchException):  # a code redeems once
        public.confirm_forgot_password(
            ClientId=client_id, Username="wendy", ConfirmationCode=code, Password="wendy-new-2"
        )

    add_user(idp, pool_id, "xavier", "xavier-password")  # no address to send a code to
    with pytest.raises(public.exceptions.InvalidParameterException, match="Cannot reset"):
        public.forgot_password(ClientId=client_id, Username="xavier")
    assert public.forgot_password(ClientId=client_id, Username="nobody")["CodeDeliveryDetails"]


def test_access_token_operations_and_global_sign_out(
    idp: Any, public: Any, server: ServerProcess
) -> None:
    pool_id, client_id, _ = new_pool(idp)
    add_user(idp, pool_id, "yara", "yara-password", "yara@example.com")
    tokens = sign_in(public, client_id, "yara", "yara-password")
    access = tokens["AccessToken"]
    me = public.get_user(AccessToken=access)
    assert me["Username"] == "yara"
    assert {"Name": "email", "Value": "yara@example.com"} in me["UserAttributes"]

    public.update_user_attributes(
        AccessToken=access, UserAttributes=[{"Name": "given_name", "Value": "Yara"}]
    )
    shown = {a["Name"]: a["Value"] for a in public.get_user(AccessToken=access)["UserAttributes"]}
    assert shown["given_name"] == "Yara"
    with pytest.raises(public.exceptions.InvalidParameterException, match="immutable"):
        public.update_user_attributes(
            AccessToken=access, UserAttributes=[{"Name": "sub", "Value": "mine"}]
        )

    with pytest.raises(public.exceptions.NotAuthorizedException, match="Incorrect"):
        public.change_password(
            AccessToken=access, PreviousPassword="not-it-at-all", ProposedPassword="yara-new-1"
        )
    public.change_password(
        AccessToken=access, PreviousPassword="yara-password", ProposedPassword="yara-new-1"
    )
    assert sign_in(public, client_id, "yara", "yara-new-1")["AccessToken"]

    with pytest.raises(public.exceptions.NotAuthorizedException, match="Invalid Access Token"):
        public.get_user(AccessToken=tokens["IdToken"])  # an ID token is no access token
    userinfo = f"{server.endpoint}/idp/{pool_id}/oauth2/userInfo"
    bearer = {"Authorization": f"Bearer {access}"}
    assert requests.get(userinfo, headers=bearer, timeout=10).json()["username"] == "yara"
    public.global_sign_out(AccessToken=access)
    with pytest.raises(public.exceptions.NotAuthorizedException, match="revoked"):
        public.get_user(AccessToken=access)
    assert requests.get(userinfo, headers=bearer, timeout=10).status_code == 401
    with pytest.raises(public.exceptions.NotAuthorizedException):
        public.initiate_auth(
            ClientId=client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]},
        )
    again = sign_in(public, client_id, "yara", "yara-new-1")  # a new sign-in works
    assert public.get_user(AccessToken=again["AccessToken"])["Username"] == "yara"
    idp.admin_user_global_sign_out(UserPoolId=pool_id, Username="yara")
    with pytest.raises(public.exceptions.NotAuthorizedException, match="revoked"):
        public.get_user(AccessToken=again["AccessToken"])


def test_revoke_token_ends_one_sign_in(idp: Any, public: Any) -> None:
    pool_id, client_id, _ = new_pool(idp)
    add_user(idp, pool_id, "zed", "zed-password")
    first = sign_in(public, client_id, "zed", "zed-password")
    second = sign_in(public, client_id, "zed", "zed-password")
    with pytest.raises(public.exceptions.UnsupportedTokenTypeException):
        public.revoke_token(ClientId=client_id, Token=first["AccessToken"])
    public.revoke_token(ClientId=client_id, Token=first["RefreshToken"])
    with pytest.raises(public.exceptions.NotAuthorizedException, match="revoked"):
        public.get_user(AccessToken=first["AccessToken"])
    with pytest.raises(public.exceptions.NotAuthorizedException):
        public.initiate_auth(
            ClientId=client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]},
        )
    assert public.get_user(AccessToken=second["AccessToken"])["Username"] == "zed"
    refreshed = public.initiate_auth(
        ClientId=client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": second["RefreshToken"]},
    )
    assert refreshed["AuthenticationResult"]["AccessToken"]


def test_a_client_with_a_secret_revokes_with_its_secret(idp: Any, public: Any) -> None:
    pool_id, client_id, secret = new_pool(idp, secret=True)
    assert secret is not None
    add_user(idp, pool_id, "abe", "abe-password")
    tokens = sign_in(
        public,
        client_id,
        "abe",
        "abe-password",
        SECRET_HASH=secret_hash(secret, "abe", client_id),
    )
    with pytest.raises(public.exceptions.UnauthorizedException):
        public.revoke_token(ClientId=client_id, Token=tokens["RefreshToken"])
    with pytest.raises(public.exceptions.NotAuthorizedException, match="SECRET_HASH"):
        public.forgot_password(ClientId=client_id, Username="abe")
    public.revoke_token(ClientId=client_id, Token=tokens["RefreshToken"], ClientSecret=secret)
    with pytest.raises(public.exceptions.NotAuthorizedException, match="revoked"):
        public.get_user(AccessToken=tokens["AccessToken"])


def test_an_administrator_updates_disables_and_enables_a_user(idp: Any, public: Any) -> None:
    pool_id, client_id, _ = new_pool(idp)
    add_user(idp, pool_id, "bo", "bo-password")
    idp.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username="bo",
        UserAttributes=[
            {"Name": "email", "Value": "bo@example.com"},
            {"Name": "family_name", "Value": "Bo"},
        ],
    )
    shown = idp.admin_get_user(UserPoolId=pool_id, Username="bo")["UserAttributes"]
    assert {"Name": "family_name", "Value": "Bo"} in shown
    tokens = sign_in(public, client_id, "bo", "bo-password")
    assert payload_email(tokens["IdToken"]) == "bo@example.com"

    idp.admin_disable_user(UserPoolId=pool_id, Username="bo")
    assert idp.admin_get_user(UserPoolId=pool_id, Username="bo")["Enabled"] is False
    with pytest.raises(public.exceptions.NotAuthorizedException, match="User is disabled"):
        sign_in(public, client_id, "bo", "bo-password")
    with pytest.raises(public.exceptions.NotAuthorizedException, match="revoked"):
        public.get_user(AccessToken=tokens["AccessToken"])
    idp.admin_enable_user(UserPoolId=pool_id, Username="bo")
    assert sign_in(public, client_id, "bo", "bo-password")["IdToken"]


def payload_email(token: str) -> Any:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))).get("email")


def test_reset_required_attribute_removal_and_deleting_oneself(
    idp: Any, public: Any, server: ServerProcess
) -> None:
    pool_id, client_id, _ = new_pool(idp)
    add_user(idp, pool_id, "cy", "cy-password", "cy@example.com")
    idp.admin_reset_user_password(UserPoolId=pool_id, Username="cy")
    assert idp.admin_get_user(UserPoolId=pool_id, Username="cy")["UserStatus"] == "RESET_REQUIRED"
    with pytest.raises(public.exceptions.PasswordResetRequiredException):
        sign_in(public, client_id, "cy", "cy-password")
    code = outbox_code(server, pool_id, "cy", "ForgotPassword")
    public.confirm_forgot_password(
        ClientId=client_id, Username="cy", ConfirmationCode=code, Password="cy-new-password"
    )
    assert idp.admin_get_user(UserPoolId=pool_id, Username="cy")["UserStatus"] == "CONFIRMED"
    tokens = sign_in(public, client_id, "cy", "cy-new-password")

    idp.admin_update_user_attributes(
        UserPoolId=pool_id, Username="cy", UserAttributes=[{"Name": "nickname", "Value": "c"}]
    )
    idp.admin_delete_user_attributes(
        UserPoolId=pool_id, Username="cy", UserAttributeNames=["nickname"]
    )
    public.delete_user_attributes(AccessToken=tokens["AccessToken"], UserAttributeNames=["email"])
    names = {
        a["Name"] for a in public.get_user(AccessToken=tokens["AccessToken"])["UserAttributes"]
    }
    assert names == {"sub"}

    public.delete_user(AccessToken=tokens["AccessToken"])
    with pytest.raises(idp.exceptions.UserNotFoundException):
        idp.admin_get_user(UserPoolId=pool_id, Username="cy")
    with pytest.raises(public.exceptions.NotAuthorizedException):
        public.get_user(AccessToken=tokens["AccessToken"])


def claims_of(token: str) -> dict[str, Any]:
    part = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return decoded


def test_a_new_email_is_unverified_until_its_code_comes_back(
    idp: Any, public: Any, server: ServerProcess
) -> None:
    pool_id, client_id, _ = new_pool(idp)
    add_user(idp, pool_id, "dee", "dee-password", "dee@example.com")
    tokens = sign_in(public, client_id, "dee", "dee-password")
    assert claims_of(tokens["IdToken"])["email_verified"] is True
    with pytest.raises(public.exceptions.NotAuthorizedException, match="unauthorized attribute"):
        public.update_user_attributes(
            AccessToken=tokens["AccessToken"],
            UserAttributes=[{"Name": "email_verified", "Value": "true"}],
        )
    changed = public.update_user_attributes(
        AccessToken=tokens["AccessToken"],
        UserAttributes=[{"Name": "email", "Value": "other@example.org"}],
    )
    assert changed["CodeDeliveryDetailsList"] == [
        {"Destination": "o***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    ]
    shown = {
        a["Name"]: a["Value"]
        for a in public.get_user(AccessToken=tokens["AccessToken"])["UserAttributes"]
    }
    assert (shown["email"], shown["email_verified"]) == ("other@example.org", "false")
    again = sign_in(public, client_id, "dee", "dee-password")
    assert claims_of(again["IdToken"])["email_verified"] is False
    with pytest.raises(public.exceptions.InvalidParameterException, match="Cannot reset"):
        public.forgot_password(ClientId=client_id, Username="dee")

    code = outbox_code(server, pool_id, "dee", "VerifyEmail")
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(public.exceptions.CodeMismatchException):
        public.verify_user_attribute(
            AccessToken=again["AccessToken"], AttributeName="email", Code=wrong
        )
    public.verify_user_attribute(AccessToken=again["AccessToken"], AttributeName="email", Code=code)
    assert (
        claims_of(sign_in(public, client_id, "dee", "dee-password")["IdToken"])["email_verified"]
        is True
    )
    resent = public.get_user_attribute_verification_code(
        AccessToken=again["AccessToken"], AttributeName="email"
    )
    assert resent["CodeDeliveryDetails"]["AttributeName"] == "email"

    with pytest.raises(public.exceptions.NotAuthorizedException, match="unauthorized attribute"):
        public.sign_up(
            ClientId=client_id,
            Username="eve",
            Password="eve-password",
            UserAttributes=[
                {"Name": "email", "Value": "eve@example.com"},
                {"Name": "email_verified", "Value": "true"},
            ],
        )
    public.sign_up(
        ClientId=client_id,
        Username="eve",
        Password="eve-password",
        UserAttributes=[{"Name": "email", "Value": "eve@example.com"}],
    )
    public.confirm_sign_up(
        ClientId=client_id,
        Username="eve",
        ConfirmationCode=outbox_code(server, pool_id, "eve", "SignUp"),
    )
    assert (
        claims_of(sign_in(public, client_id, "eve", "eve-password")["IdToken"])["email_verified"]
        is True
    )


def test_admin_create_user_invitations_go_to_the_outbox(
    idp: Any, public: Any, server: ServerProcess
) -> None:
    pool_id, client_id, _ = new_pool(
        idp, Policies={"PasswordPolicy": {"MinimumLength": 10, "RequireSymbols": True}}
    )
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username="fern",
        UserAttributes=[{"Name": "email", "Value": "fern@example.com"}],
    )
    temporary = outbox_code(server, pool_id, "fern", "Invitation")  # random, policy-proof
    challenge = public.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "fern", "PASSWORD": temporary},
    )
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    idp.admin_create_user(UserPoolId=pool_id, Username="fern", MessageAction="RESEND")
    resent = outbox_code(server, pool_id, "fern", "Invitation")
    assert resent != temporary
    with pytest.raises(public.exceptions.NotAuthorizedException):
        sign_in(public, client_id, "fern", temporary)
    add_user(idp, pool_id, "gil", "gil-password-1!")  # SUPPRESS, then a permanent password
    with pytest.raises(idp.exceptions.UnsupportedUserStateException, match="Resend not possible"):
        idp.admin_create_user(UserPoolId=pool_id, Username="gil", MessageAction="RESEND")
