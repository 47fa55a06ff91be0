"""A pool's attribute schema through boto3 against a real server: `custom:` attributes from
CreateUserPool's `Schema` and AddCustomAttributes, listed by DescribeUserPool; user
attributes checked against the schema (an unknown one, a string too long, a number out of
range, an immutable one changed, a required standard one missing) with Cognito's
"Attributes did not conform to the schema"; custom attributes in AdminGetUser, GetUser and
the ID token.

References: Amazon Cognito developer guide, "User pool attributes" (custom attributes); API
reference, CreateUserPool (Schema), AddCustomAttributes, SchemaAttributeType.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.userpool_flow import new_pool, outbox_code, unsigned_idp
from tests.support.clients import client
from tests.support.server_process import ServerProcess, start_server

pytestmark = pytest.mark.e2e

SCHEMA = [
    {
        "Name": "tier",
        "AttributeDataType": "String",
        "Mutable": True,
        "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "8"},
    },
    {
        "Name": "level",
        "AttributeDataType": "Number",
        "NumberAttributeConstraints": {"MinValue": "1", "MaxValue": "99"},
    },
    {"Name": "badge", "AttributeDataType": "String", "Mutable": False},
    {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True},
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = start_server(tmp_path_factory.mktemp("custom-attributes"))
    yield process
    process.stop()


@pytest.fixture(scope="module")
def idp(server: ServerProcess) -> Any:
    return client(server, "cognito-idp")


@pytest.fixture(scope="module")
def public(server: ServerProcess) -> Any:
    return unsigned_idp(server)


def id_claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    claims: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return claims


def refusal(raised: pytest.ExceptionInfo[Any]) -> tuple[str, str]:
    found = raised.value.response["Error"]
    return str(found["Code"]), str(found["Message"])


def test_the_schema_is_described(idp: Any) -> None:
    pool_id, _, _ = new_pool(idp, Schema=SCHEMA)
    shown = {
        entry["Name"]: entry
        for entry in idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["SchemaAttributes"]
    }
    assert shown["custom:tier"] == {
        "Name": "custom:tier",
        "AttributeDataType": "String",
        "DeveloperOnlyAttribute": False,
        "Mutable": True,
        "Required": False,
        "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "8"},
    }
    assert shown["custom:level"]["NumberAttributeConstraints"] == {
        "MinValue": "1",
        "MaxValue": "99",
    }
    assert shown["custom:badge"]["Mutable"] is False
    assert shown["email"]["Required"] is True and shown["sub"]["Required"] is True
    assert shown["given_name"]["Required"] is False

    idp.add_custom_attributes(
        UserPoolId=pool_id,
        CustomAttributes=[{"Name": "team", "AttributeDataType": "String"}],
    )
    names = [
        entry["Name"]
        for entry in idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["SchemaAttributes"]
    ]
    assert "custom:team" in names
    with pytest.raises(idp.exceptions.InvalidParameterException) as again:
        idp.add_custom_attributes(
            UserPoolId=pool_id, CustomAttributes=[{"Name": "team", "AttributeDataType": "String"}]
        )
    assert refusal(again)[1] == "Existing attribute already has name custom:team."
    with pytest.raises(idp.exceptions.InvalidParameterException) as required:
        idp.create_user_pool(
            PoolName="required-custom",
            Schema=[{"Name": "must", "AttributeDataType": "String", "Required": True}],
        )
    assert refusal(required)[1] == "Required custom attributes are not supported currently."


def test_user_attributes_conform_to_the_schema(
    idp: Any, public: Any, server: ServerProcess
) -> None:
    pool_id, client_id, _ = new_pool(idp, Schema=SCHEMA)
    cases = [
        (
            [{"Name": "custom:color", "Value": "red"}],
            "custom:color: Attribute does not exist in the schema.\n",
        ),
        (
            [{"Name": "favorite", "Value": "red"}],
            "favorite: Attribute does not exist in the schema.\n",
        ),
        (
            [{"Name": "custom:tier", "Value": "platinum+"}],
            "custom:tier: String must be no longer than 8 characters.\n",
        ),
        (
            [{"Name": "custom:level", "Value": "100"}],
            "custom:level: Number must be no greater than 99.\n",
        ),
        (
            [{"Name": "custom:level", "Value": "high"}],
            "custom:level: Number must be a whole number.\n",
        ),
    ]
    for attributes, problem in cases:
        with pytest.raises(public.exceptions.InvalidParameterException) as refused:
            public.sign_up(
                ClientId=client_id,
                Username="mia",
                Password="mia-pass-1",
                UserAttributes=[{"Name": "email", "Value": "mia@example.com"}, *attributes],
            )
        assert refusal(refused)[1] == "Attributes did not conform to the schema: " + problem
    with pytest.raises(public.exceptions.InvalidParameterException) as missing:
        public.sign_up(ClientId=client_id, Username="mia", Password="mia-pass-1")
    assert refusal(missing)[1] == (
        "Attributes did not conform to the schema: email: The attribute is required.\n"
    )

    public.sign_up(
        ClientId=client_id,
        Username="mia",
        Password="mia-pass-1",
        UserAttributes=[
            {"Name": "email", "Value": "mia@example.com"},
            {"Name": "custom:tier", "Value": "gold"},
            {"Name": "custom:level", "Value": "7"},
            {"Name": "custom:badge", "Value": "founder"},
        ],
    )
    public.confirm_sign_up(
        ClientId=client_id,
        Username="mia",
        ConfirmationCode=outbox_code(server, pool_id, "mia", "SignUp"),
    )
    tokens = public.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "mia", "PASSWORD": "mia-pass-1"},
    )["AuthenticationResult"]
    claims = id_claims(tokens["IdToken"])
    assert (claims["custom:tier"], claims["custom:level"], claims["custom:badge"]) == (
        "gold",
        "7",
        "founder",
    )
    mine = public.get_user(AccessToken=tokens["AccessToken"])["UserAttributes"]
    assert {"Name": "custom:level", "Value": "7"} in mine

    # A mutable one changes; an immutable one was set once and stays.
    public.update_user_attributes(
        AccessToken=tokens["AccessToken"],
        UserAttributes=[{"Name": "custom:tier", "Value": "silver"}],
    )
    shown = idp.admin_get_user(UserPoolId=pool_id, Username="mia")["UserAttributes"]
    assert {"Name": "custom:tier", "Value": "silver"} in shown
    with pytest.raises(idp.exceptions.InvalidParameterException) as immutable:
        idp.admin_update_user_attributes(
            UserPoolId=pool_id,
            Username="mia",
            UserAttributes=[{"Name": "custom:badge", "Value": "newcomer"}],
        )
    assert refusal(immutable)[1] == (
        "Attributes did not conform to the schema: custom:badge: Cannot modify an immutable "
        "attribute.\n"
    )
    with pytest.raises(idp.exceptions.InvalidParameterException, match="does not exist"):
        idp.admin_update_user_attributes(
            UserPoolId=pool_id,
            Username="mia",
            UserAttributes=[{"Name": "custom:team", "Value": "blue"}],
        )
    # An attribute added to the schema is writable at once.
    idp.add_custom_attributes(
        UserPoolId=pool_id, CustomAttributes=[{"Name": "team", "AttributeDataType": "String"}]
    )
    idp.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username="mia",
        UserAttributes=[{"Name": "custom:team", "Value": "blue"}],
    )
    # AdminCreateUser need not give the required email, as on AWS.
    made = idp.admin_create_user(
        UserPoolId=pool_id,
        Username="ned",
        UserAttributes=[{"Name": "custom:level", "Value": "3"}],
        MessageAction="SUPPRESS",
    )["User"]
    assert {"Name": "custom:level", "Value": "3"} in made["Attributes"]
