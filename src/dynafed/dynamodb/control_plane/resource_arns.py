"""Table ARNs given to the tagging operations: presence, authorization resource, parsing.

AWS checks these in an order of its own (dynalite's suite records it): a missing ARN is
"Invalid TableArn" before anything else; authorization uses the ARN as sent (`*` when
empty); a malformed ARN or one naming an invalid table is "Invalid TableArn: Invalid
ResourceArn provided as input <arn>".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from dynafed.dynamodb.context import OperationContext
from dynafed.errors import ValidationException

_TABLE_ARN = re.compile(r"arn:aws:dynamodb:([^:]*):([^:]*):table/([a-zA-Z0-9_.-]{3,255})")


def require_arn(body: Mapping[str, Any]) -> None:
    if body.get("ResourceArn") is None:
        raise ValidationException("Invalid TableArn")


def authorization_resource(arn: str) -> str:
    return arn or "*"


def table_key(ctx: OperationContext, arn: str) -> str | None:
    """The storage key of the table an ARN names in the request's account and region; None
    for another account or region."""
    match = _TABLE_ARN.fullmatch(arn)
    if match is None:
        raise ValidationException(f"Invalid TableArn: Invalid ResourceArn provided as input {arn}")
    region, account, name = match.groups()
    if region != ctx.region or account != ctx.account_id:
        return None
    return ctx.table_key(name)
