"""Signing in with an email or phone number through boto3 and pycognito against a real
server: pools whose `UsernameAttributes` make the email / phone number the user name (the
stored user name is then a UUID, the `sub`) and pools whose `AliasAttributes` let a verified
email or a preferred_username sign in besides the user name; the uniqueness of those names
(UsernameExistsException, AliasExistsException, ForceAliasCreation).

References: Amazon Cognito developer guide, "User pool attributes" (customizing sign-in
attributes: username attributes and aliases); API reference, CreateUserPool, SignUp,
ConfirmSignUp (ForceAliasCreation), AdminCreateUser, AliasExistsException.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from pycognito.aws_srp import AWSSRP

from tests.e2e.userpool_flow import (
    UserPoolSite,
    add_client,
    new_pool,
    outbox_code,
    unsigned_idp,
)
from tests.support.clients import client
from tests.support.server_process import ServerProcess, start_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = start_server(tmp_path_factory.mktemp("sign-in-names"))
    yield process
    process.stop()


@pytest.fixture(scope="module")
def idp(server: ServerProcess) -> Any:
    return client(server, "cognito-idp")


@pytest.fixture(scope="module")
def public(server: ServerProcess) -> Any:
    return unsigned_idp(server)


def sign_in(public: Any, client_id: str, name: str, password: str) -> dict[str, Any]:
    answer = public.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": name, "PASSWORD": password},
    )
    tokens: dict[str, Any] = answer["AuthenticationResult"]
    return tokens


def claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return decoded


def attributes(idp: Any, pool_id: str, name: str) -> dict[str, str]:
    got = idp.admin_get_user(UserPoolId=pool_id, Username=name)
    return {a["Name"]: a["Value"] for a in got["UserAttributes"]}


def error(raised: pytest.ExceptionInfo[Any]) -> tuple[str, str]:
    found = raised.value.response["Error"]
    return str(found["Code"]), str(found["Message"])


def test_email_as_the_user_name(idp: Any, public: Any, server: ServerProcess) -> None:
    pool_id, client_id, _ = new_pool(idp, UsernameAttributes=["email"])
    described = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert described["UsernameAttributes"] == ["email"]

    signed_up = public.sign_up(
        ClientId=client_id, Username="Ada@Example.com", Password="ada-pass-1"
    )
    sub = signed_up["UserSub"]
    assert signed_up["CodeDeliveryDetails"]["Destination"] == "A***@E***"
    got = idp.admin_get_user(UserPoolId=pool_id, Username="ada@example.com")
    assert got["Username"] == sub and uuid.UUID(sub)
    assert attributes(idp, pool_id, sub)["email"] == "Ada@Example.com"

    code = outbox_code(server, pool_id, sub, "SignUp")
    public.confirm_sign_up(ClientId=client_id, Username="ada@example.com", ConfirmationCode=code)
    assert attributes(idp, pool_id, sub)["email_verified"] == "true"

    tokens = sign_in(public, client_id, "ADA@example.com", "ada-pass-1")
    id_claims = claims(tokens["IdToken"])
    assert id_claims["cognito:username"] == sub == id_claims["sub"]
    assert id_claims["email"] == "Ada@Example.com"
    assert public.get_user(AccessToken=tokens["AccessToken"])["Username"] == sub

    # SRP with the email, as Amplify and pycognito sign in: the challenge names the UUID.
    helper = AWSSRP(
        username="ada@example.com",
        password="ada-pass-1",
        pool_id=pool_id,
        client_id=client_id,
        client=public,
    )
    srp_tokens = helper.authenticate_user()["AuthenticationResult"]
    assert claims(srp_tokens["IdToken"])["cognito:username"] == sub
    with pytest.raises(public.exceptions.NotAuthorizedException, match="Incorrect"):
        AWSSRP(
            username="ada@example.com",
            password="wrong-pass-1",
            pool_id=pool_id,
            client_id=client_id,
            client=public,
        ).authenticate_user()

    # The email is the user's name in the pool: nobody else may take it.
    with pytest.raises(public.exceptions.UsernameExistsException) as taken:
        public.sign_up(ClientId=client_id, Username="ada@EXAMPLE.com", Password="other-pass-1")
    assert error(taken)[1] == "An account with the given email already exists."
    with pytest.raises(idp.exceptions.UsernameExistsException):
        idp.admin_create_user(
            UserPoolId=pool_id, Username="ada@example.com", MessageAction="SUPPRESS"
        )
    with pytest.raises(public.exceptions.InvalidParameterException) as not_email:
        public.sign_up(ClientId=client_id, Username="ada", Password="ada-pass-1")
    assert error(not_email)[1] == "Username should be an email."

    # Administrators name the user by email too, and a changed email signs in at once.
    idp.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username="ada@example.com",
        UserAttributes=[{"Name": "email", "Value": "lovelace@example.com"}],
    )
    assert sign_in(public, client_id, "lovelace@example.com", "ada-pass-1")
    with pytest.raises(public.exceptions.NotAuthorizedException):
        sign_in(public, client_id, "ada@example.com", "ada-pass-1")
    public.sign_up(ClientId=client_id, Username="ada@example.com", Password="new-ada-pass-1")
    with pytest.raises(idp.exceptions.AliasExistsException) as moved:
        idp.admin_update_user_attributes(
            UserPoolId=pool_id,
            Username="lovelace@example.com",
            UserAttributes=[{"Name": "email", "Value": "ada@example.com"}],
        )
    assert error(moved)[1] == "An account with the given email already exists."

    # Deleting the user frees the email.
    idp.admin_delete_user(UserPoolId=pool_id, Username="lovelace@example.com")
    public.sign_up(ClientId=client_id, Username="lovelace@example.com", Password="pass-word-1")


def test_phone_number_or_email_as_the_user_name(idp: Any, public: Any) -> None:
    pool_id, client_id, _ = new_pool(idp, UsernameAttributes=["email", "phone_number"])
    made = idp.admin_create_user(
        UserPoolId=pool_id, Username="+15555550100", MessageAction="SUPPRESS"
    )["User"]
    shown = {a["Name"]: a["Value"] for a in made["Attributes"]}
    assert made["Username"] == shown["sub"]
    assert shown["phone_number"] == "+15555550100"
    assert shown["phone_number_verified"] == "false"
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username="+15555550100", Password="phone-pass-1", Permanent=True
    )
    tokens = sign_in(public, client_id, "+15555550100", "phone-pass-1")
    assert claims(tokens["IdToken"])["cognito:username"] == made["Username"]

    with pytest.raises(idp.exceptions.InvalidParameterException) as neither:
        idp.admin_create_user(UserPoolId=pool_id, Username="bob", MessageAction="SUPPRESS")
    assert error(neither)[1] == "Username should be either an email or a phone number."
    with pytest.raises(idp.exceptions.UsernameExistsException) as taken:
        idp.admin_create_user(UserPoolId=pool_id, Username="+15555550100", MessageAction="SUPPRESS")
    assert error(taken)[1] == "An account with the given phone_number already exists."
    with pytest.raises(idp.exceptions.InvalidParameterException) as phone:
        idp.admin_update_user_attributes(
            UserPoolId=pool_id,
            Username="+15555550100",
            UserAttributes=[{"Name": "phone_number", "Value": "555-0100"}],
        )
    assert error(phone)[1] == "Invalid phone number format."


def test_sign_in_with_a_verified_alias(idp: Any, public: Any, server: ServerProcess) -> None:
    pool_id, client_id, _ = new_pool(idp, AliasAttributes=["email", "preferred_username"])
    assert idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["AliasAttributes"] == [
        "email",
        "preferred_username",
    ]
    with pytest.raises(public.exceptions.InvalidParameterException) as email_form:
        public.sign_up(ClientId=client_id, Username="ivy@example.com", Password="ivy-pass-1")
    assert "cannot be of email format" in error(email_form)[1]

    with pytest.raises(public.exceptions.InvalidParameterException, match="preferred_username"):
        public.sign_up(
            ClientId=client_id,
            Username="ivy",
            Password="ivy-pass-1",
            UserAttributes=[{"Name": "preferred_username", "Value": "ivy2"}],
        )
    public.sign_up(
        ClientId=client_id,
        Username="ivy",
        Password="ivy-pass-1",
        UserAttributes=[{"Name": "email", "Value": "ivy@example.com"}],
    )
    code = outbox_code(server, pool_id, "ivy", "SignUp")
    public.confirm_sign_up(ClientId=client_id, Username="ivy", ConfirmationCode=code)
    tokens = sign_in(public, client_id, "Ivy@Example.com", "ivy-pass-1")
    assert claims(tokens["IdToken"])["cognito:username"] == "ivy"

    # An unverified email is no alias: only the user name signs in.
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username="jon",
        UserAttributes=[{"Name": "email", "Value": "jon@example.com"}],
        MessageAction="SUPPRESS",
    )
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username="jon", Password="jon-pass-1", Permanent=True
    )
    with pytest.raises(public.exceptions.NotAuthorizedException) as unverified:
        sign_in(public, client_id, "jon@example.com", "jon-pass-1")
    assert error(unverified)[1] == "Incorrect username or password."
    assert sign_in(public, client_id, "jon", "jon-pass-1")

    # A preferred_username is an alias from the moment it is set; it is one user's only.
    idp.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username="jon",
        UserAttributes=[{"Name": "preferred_username", "Value": "Jonny"}],
    )
    assert claims(sign_in(public, client_id, "jonny", "jon-pass-1")["IdToken"])["sub"]
    with pytest.raises(idp.exceptions.AliasExistsException):
        idp.admin_update_user_attributes(
            UserPoolId=pool_id,
            Username="ivy",
            UserAttributes=[{"Name": "preferred_username", "Value": "jonny"}],
        )
    # A verified email another user signs in with is refused too.
    with pytest.raises(idp.exceptions.AliasExistsException) as taken:
        idp.admin_update_user_attributes(
            UserPoolId=pool_id,
            Username="jon",
            UserAttributes=[
                {"Name": "email", "Value": "ivy@example.com"},
                {"Name": "email_verified", "Value": "true"},
            ],
        )
    assert error(taken)[1] == "An account with the given email already exists."

    # An administrator's new user with that verified email: refused, or given it (Force…).
    verified_ivy = [
        {"Name": "email", "Value": "ivy@example.com"},
        {"Name": "email_verified", "Value": "true"},
    ]
    with pytest.raises(idp.exceptions.AliasExistsException):
        idp.admin_create_user(
            UserPoolId=pool_id,
            Username="kit",
            UserAttributes=verified_ivy,
            MessageAction="SUPPRESS",
        )
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username="kit",
        UserAttributes=verified_ivy,
        MessageAction="SUPPRESS",
        ForceAliasCreation=True,
    )
    assert attributes(idp, pool_id, "ivy")["email_verified"] == "false"
    assert idp.admin_get_user(UserPoolId=pool_id, Username="ivy@example.com")["Username"] == "kit"


def test_confirming_an_email_another_user_signs_in_with(
    idp: Any, public: Any, server: ServerProcess
) -> None:
    pool_id, client_id, _ = new_pool(idp, AliasAttributes=["email"])
    for name in ("kim", "lee"):
        public.sign_up(
            ClientId=client_id,
            Username=name,
            Password=f"{name}-pass-1",
            UserAttributes=[{"Name": "email", "Value": "shared@example.com"}],
        )
    public.confirm_sign_up(
        ClientId=client_id,
        Username="kim",
        ConfirmationCode=outbox_code(server, pool_id, "kim", "SignUp"),
    )
    lee_code = outbox_code(server, pool_id, "lee", "SignUp")
    with pytest.raises(public.exceptions.AliasExistsException):
        public.confirm_sign_up(ClientId=client_id, Username="lee", ConfirmationCode=lee_code)
    assert idp.admin_get_user(UserPoolId=pool_id, Username="lee")["UserStatus"] == "UNCONFIRMED"
    assert (
        claims(sign_in(public, client_id, "shared@example.com", "kim-pass-1")["IdToken"])[
            "cognito:username"
        ]
        == "kim"
    )

    # ForceAliasCreation: the email moves to the user confirming it, unverified for the other.
    public.confirm_sign_up(
        ClientId=client_id, Username="lee", ConfirmationCode=lee_code, ForceAliasCreation=True
    )
    assert (
        claims(sign_in(public, client_id, "shared@example.com", "lee-pass-1")["IdToken"])[
            "cognito:username"
        ]
        == "lee"
    )
    assert attributes(idp, pool_id, "kim")["email_verified"] == "false"
    with pytest.raises(public.exceptions.NotAuthorizedException):
        sign_in(public, client_id, "shared@example.com", "kim-pass-1")


def test_username_and_alias_attributes_exclude_each_other(idp: Any) -> None:
    with pytest.raises(idp.exceptions.InvalidParameterException) as both:
        idp.create_user_pool(
            PoolName="both", UsernameAttributes=["email"], AliasAttributes=["email"]
        )
    assert error(both)[1] == (
        "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool."
    )


def test_every_way_in_takes_the_email(idp: Any, public: Any, server: ServerProcess) -> None:
    """AdminInitiateAuth, ForgotPassword / ConfirmForgotPassword and the hosted UI's sign-in
    form name the user by email in a pool whose user names are emails."""
    pool_id, client_id, _ = new_pool(idp, UsernameAttributes=["email"])
    admin_client = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="admin", ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    sub = idp.admin_create_user(
        UserPoolId=pool_id,
        Username="vera@example.com",
        UserAttributes=[{"Name": "email_verified", "Value": "true"}],
        MessageAction="SUPPRESS",
    )["User"]["Username"]
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username="vera@example.com", Password="vera-pass-1", Permanent=True
    )
    answer = idp.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=admin_client,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "Vera@Example.com", "PASSWORD": "vera-pass-1"},
    )
    assert claims(answer["AuthenticationResult"]["IdToken"])["cognito:username"] == sub

    sent = public.forgot_password(ClientId=client_id, Username="vera@example.com")
    assert sent["CodeDeliveryDetails"]["AttributeName"] == "email"
    public.confirm_forgot_password(
        ClientId=client_id,
        Username="vera@example.com",
        ConfirmationCode=outbox_code(server, pool_id, sub, "ForgotPassword"),
        Password="vera-pass-2",
    )
    assert sign_in(public, client_id, "vera@example.com", "vera-pass-2")

    site = UserPoolSite(server, pool_id, add_client(server, pool_id, "web"))
    hosted = site.sign_in("vera@example.com", "vera-pass-2")
    assert claims(hosted["id_token"])["cognito:username"] == sub
