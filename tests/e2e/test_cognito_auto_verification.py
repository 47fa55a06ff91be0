"""A pool's `AutoVerifiedAttributes` through boto3 against a real server: what SignUp's
confirmation code goes to (the email, the phone number, the phone number when both are
auto-verified, nothing when neither is) and what confirming it verifies; codes to verify a
changed email or phone number (UpdateUserAttributes, GetUserAttributeVerificationCode,
VerifyUserAttribute); and an administrator's new email being unverified unless said.

References: Amazon Cognito developer guide, "Verifying contact information at sign-up";
API reference, CreateUserPool (AutoVerifiedAttributes), SignUp, ResendConfirmationCode,
UpdateUserAttributes, GetUserAttributeVerificationCode, VerifyUserAttribute.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.userpool_flow import new_pool, outbox_code, unsigned_idp, users_cli
from tests.support.clients import client
from tests.support.server_process import ServerProcess, start_server

pytestmark = pytest.mark.e2e

PHONE = "+15555550123"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = start_server(tmp_path_factory.mktemp("auto-verification"))
    yield process
    process.stop()


@pytest.fixture(scope="module")
def idp(server: ServerProcess) -> Any:
    return client(server, "cognito-idp")


@pytest.fixture(scope="module")
def public(server: ServerProcess) -> Any:
    return unsigned_idp(server)


def attributes(idp: Any, pool_id: str, name: str) -> dict[str, str]:
    got = idp.admin_get_user(UserPoolId=pool_id, Username=name)
    return {a["Name"]: a["Value"] for a in got["UserAttributes"]}


def sign_up(public: Any, client_id: str, name: str, **given: str) -> dict[str, Any]:
    answer: dict[str, Any] = public.sign_up(
        ClientId=client_id,
        Username=name,
        Password=f"{name}-pass-1",
        UserAttributes=[{"Name": key, "Value": value} for key, value in given.items()],
    )
    return answer


def tokens(public: Any, client_id: str, name: str) -> dict[str, Any]:
    answer = public.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": name, "PASSWORD": f"{name}-pass-1"},
    )
    result: dict[str, Any] = answer["AuthenticationResult"]
    return result


def id_claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    claims: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return claims


def test_without_auto_verified_attributes_an_administrator_confirms(
    idp: Any, public: Any, server: ServerProcess
) -> None:
    pool_id, client_id, _ = new_pool(idp, AutoVerifiedAttributes=[])
    assert "AutoVerifiedAttributes" not in idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    answer = sign_up(public, client_id, "oli", email="oli@example.com")
    assert answer["UserConfirmed"] is False and "CodeDeliveryDetails" not in answer
    assert "oli" not in users_cli(server, "outbox", pool_id)
    with pytest.raises(public.exceptions.InvalidParameterException) as refused:
        public.resend_confirmation_code(ClientId=client_id, Username="oli")
    assert refused.value.response["Error"]["Message"] == (
        "Cannot resend codes. Auto verification not turned on."
    )
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username="oli")
    assert attributes(idp, pool_id, "oli")["email_verified"] == "false"
    assert tokens(public, client_id, "oli")["IdToken"]

    # Turned on later (UpdateUserPool), codes go out.
    idp.update_user_pool(UserPoolId=pool_id, AutoVerifiedAttributes=["email"])
    shown = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert shown["AutoVerifiedAttributes"] == ["email"]
    assert sign_up(public, client_id, "pia", email="pia@example.com")["CodeDeliveryDetails"]


def test_a_phone_number_is_verified_by_the_code_sent_to_it(
    idp: Any, public: Any, server: ServerProcess
) -> None:
    pool_id, client_id, _ = new_pool(idp, AutoVerifiedAttributes=["phone_number"])
    answer = sign_up(public, client_id, "ray", email="ray@example.com", phone_number=PHONE)
    assert answer["CodeDeliveryDetails"] == {
        "Destination": "+*******0123",
        "DeliveryMedium": "SMS",
        "AttributeName": "phone_number",
    }
    public.confirm_sign_up(
        ClientId=client_id,
        Username="ray",
        ConfirmationCode=outbox_code(server, pool_id, "ray", "SignUp"),
    )
    shown = attributes(idp, pool_id, "ray")
    assert (shown["phone_number_verified"], shown["email_verified"]) == ("true", "false")
    assert id_claims(tokens(public, client_id, "ray")["IdToken"])["phone_number_verified"] is True


def test_with_both_auto_verified_the_code_goes_to_the_phone_number(
    idp: Any, public: Any, server: ServerProcess
) -> None:
    pool_id, client_id, _ = new_pool(
        idp, AutoVerifiedAttributes=["email", "phone_number"], AliasAttributes=["phone_number"]
    )
    answer = sign_up(public, client_id, "sam", email="sam@example.com", phone_number=PHONE)
    assert answer["CodeDeliveryDetails"]["AttributeName"] == "phone_number"
    public.confirm_sign_up(
        ClientId=client_id,
        Username="sam",
        ConfirmationCode=outbox_code(server, pool_id, "sam", "SignUp"),
    )
    # The verified phone number is now an alias the user signs in with.
    signed_in = public.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": PHONE, "PASSWORD": "sam-pass-1"},
    )
    assert id_claims(signed_in["AuthenticationResult"]["IdToken"])["cognito:username"] == "sam"
    # A user with only an email gets a code to it.
    only_email = sign_up(public, client_id, "tia", email="tia@example.com")
    assert only_email["CodeDeliveryDetails"]["AttributeName"] == "email"


def test_changed_contact_attributes_are_verified_with_codes(
    idp: Any, public: Any, server: ServerProcess
) -> None:
    pool_id, client_id, _ = new_pool(idp, AutoVerifiedAttributes=["email", "phone_number"])
    sign_up(public, client_id, "uma", email="uma@example.com")
    public.confirm_sign_up(
        ClientId=client_id,
        Username="uma",
        ConfirmationCode=outbox_code(server, pool_id, "uma", "SignUp"),
    )
    access = tokens(public, client_id, "uma")["AccessToken"]
    changed = public.update_user_attributes(
        AccessToken=access,
        UserAttributes=[
            {"Name": "email", "Value": "uma@example.org"},
            {"Name": "phone_number", "Value": PHONE},
        ],
    )
    assert [d["AttributeName"] for d in changed["CodeDeliveryDetailsList"]] == [
        "email",
        "phone_number",
    ]
    shown = attributes(idp, pool_id, "uma")
    assert (shown["email_verified"], shown["phone_number_verified"]) == ("false", "false")
    public.verify_user_attribute(
        AccessToken=access,
        AttributeName="phone_number",
        Code=outbox_code(server, pool_id, "uma", "VerifyPhoneNumber"),
    )
    assert attributes(idp, pool_id, "uma")["phone_number_verified"] == "true"

    again = public.get_user_attribute_verification_code(AccessToken=access, AttributeName="email")
    assert again["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    with pytest.raises(public.exceptions.CodeMismatchException):
        public.verify_user_attribute(AccessToken=access, AttributeName="email", Code="000000")
    public.verify_user_attribute(
        AccessToken=access,
        AttributeName="email",
        Code=outbox_code(server, pool_id, "uma", "VerifyEmail"),
    )
    assert attributes(idp, pool_id, "uma")["email_verified"] == "true"
    with pytest.raises(public.exceptions.InvalidParameterException, match="only email"):
        public.get_user_attribute_verification_code(AccessToken=access, AttributeName="name")

    # An administrator's new email is unverified unless the same call says it is.
    idp.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username="uma",
        UserAttributes=[{"Name": "email", "Value": "uma@example.net"}],
    )
    assert attributes(idp, pool_id, "uma")["email_verified"] == "false"
    idp.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username="uma",
        UserAttributes=[
            {"Name": "email", "Value": "uma@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    assert attributes(idp, pool_id, "uma")["email_verified"] == "true"
