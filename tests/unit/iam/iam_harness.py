"""An in-process IAM that tests talk to exactly as boto3 does: requests are serialized by
botocore's Query serializer, answers rendered by our XML renderer and parsed back by
botocore's parser (with boto3's policy-document decoding), errors raised as ClientError."""

from __future__ import annotations

import json
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError
from botocore.handlers import json_decode_policies
from botocore.parsers import QueryParser
from botocore.serialize import create_serializer

from dynafed.auth.principal import Principal, SessionContext
from dynafed.core.clock import FixedClock
from dynafed.errors import QueryError
from dynafed.iam.api.service import IamService
from dynafed.server.query_protocol import render_error, render_result
from dynafed.storage.memory import MemoryStorage

ACCOUNT = "123456789012"
XMLNS = "https://iam.amazonaws.com/doc/2010-05-08/"
START = 1795314213.0  # 2026-11-22T02:23:33Z
ADMIN = Principal("AKIAADMIN", ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root", ACCOUNT)
SESSION = Principal(
    "ASIASESSION",
    ACCOUNT,
    f"arn:aws:sts::{ACCOUNT}:assumed-role/GameRole/s",
    "AROAEXAMPLE:s",
    SessionContext("arn:aws:iam::123456789012:role/GameRole", "AROAEXAMPLE", "s", START + 900),
)

TRUST_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/idp.example.com"},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {"idp.example.com:aud": "app"}},
            }
        ],
    }
)


def allow(action: str = "dynamodb:GetItem", resource: str = "*", **extra: Any) -> str:
    statement = {"Effect": "Allow", "Action": action, "Resource": resource, **extra}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


class CountingIds:
    def __init__(self) -> None:
        self.count = 0

    def token(self, length: int) -> str:
        self.count += 1
        return str(self.count).rjust(length, "A")


class InProcessIam:
    def __init__(self) -> None:
        self.clock = FixedClock(START)
        self.storage = MemoryStorage()
        self.service = IamService(self.storage, ACCOUNT, self.clock, CountingIds())
        self.model = botocore.session.get_session().get_service_model("iam")
        # Like the JS SDK v3, send what we are given: server-side validation is under test.
        self.serializer = create_serializer("query", include_validation=False)

    def send(self, operation: str, params: dict[str, str], caller: Principal = ADMIN) -> Any:
        op = self.model.operation_model(operation)
        try:
            result = self.service.handle(operation, params, caller)
        except QueryError as error:
            body = render_error(error.code, error.message, error.fault, XMLNS, "req")
            response = {"body": body, "headers": {}, "status_code": error.status}
            parsed = QueryParser().parse(response, op.output_shape)
            raise ClientError(parsed, operation) from error
        body = render_result(operation, result, XMLNS, "req")
        parsed = QueryParser().parse(
            {"body": body, "headers": {}, "status_code": 200}, op.output_shape
        )
        json_decode_policies(parsed, op)
        parsed.pop("ResponseMetadata", None)
        return parsed

    def call(self, operation: str, caller: Principal = ADMIN, **params: Any) -> Any:
        op = self.model.operation_model(operation)
        body = self.serializer.serialize_to_request(params, op)["body"]
        return self.send(operation, {k: str(v) for k, v in body.items()}, caller)

    def error(self, operation: str, **params: Any) -> tuple[str, str, int]:
        """(code, message, HTTP status) of a call that must fail."""
        with pytest.raises(ClientError) as caught:
            self.call(operation, **params)
        response = caught.value.response
        return (
            response["Error"]["Code"],
            response["Error"]["Message"],
            response["ResponseMetadata"]["HTTPStatusCode"],
        )

    def create_role(self, name: str = "GameRole", **params: Any) -> Any:
        return self.call(
            "CreateRole", RoleName=name, AssumeRolePolicyDocument=TRUST_POLICY, **params
        )["Role"]

    def create_policy(self, name: str = "Reads", document: str | None = None, **params: Any) -> Any:
        return self.call(
            "CreatePolicy", PolicyName=name, PolicyDocument=document or allow(), **params
        )["Policy"]
