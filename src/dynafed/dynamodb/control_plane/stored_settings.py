"""Table and index settings DynamoDB stores and describes, read from their request members.

`SSESpecification`, `OnDemandThroughput` and `WarmThroughput` change how AWS provisions and
encrypts a table; a single dynafed server has nothing to provision and protects its files
by their permissions. It keeps what was asked and answers it back in DescribeTable, as
AWS does, so infrastructure tools see their settings applied and plan no change.
"""

from __future__ import annotations

import uuid

from dynafed.dynamodb.requests import OnDemandThroughput as WireOnDemandThroughput
from dynafed.dynamodb.requests import SSESpecification
from dynafed.dynamodb.requests import WarmThroughput as WireWarmThroughput
from dynafed.dynamodb.tables import Encryption, RequestLimits, WarmThroughput

KMS = "KMS"
_MANAGED_KEY_NAMESPACE = uuid.UUID("6f1d2c4e-3b5a-4f7e-9c1d-2a8b7e6f5d4c")


def encryption(spec: SSESpecification | None, region: str, account_id: str) -> Encryption | None:
    """None: the AWS owned key (no `SSESpecification`, or `Enabled` false)."""
    if spec is None or not spec.get("Enabled", False):
        return None
    sse_type = spec.get("SSEType", KMS)
    if sse_type != KMS:
        return Encryption(sse_type, None)
    return Encryption(KMS, kms_key_arn(spec.get("KMSMasterKeyId"), region, account_id))


def kms_key_arn(key: str | None, region: str, account_id: str) -> str:
    """The key's ARN as DescribeTable shows it: given as an ARN, a key id or an alias name;
    none given means the account's AWS managed key for DynamoDB (`alias/aws/dynamodb`), one
    per account and region."""
    if key is not None and key.startswith("arn:"):
        return key
    prefix = f"arn:aws:kms:{region}:{account_id}:"
    if key is None:
        managed = uuid.uuid5(_MANAGED_KEY_NAMESPACE, f"{account_id}/{region}/aws/dynamodb")
        return f"{prefix}key/{managed}"
    if key.startswith("alias/"):
        return prefix + key
    return f"{prefix}key/{key}"


def request_limits(wire: WireOnDemandThroughput | None) -> RequestLimits | None:
    if wire is None:
        return None
    return RequestLimits(wire.get("MaxReadRequestUnits"), wire.get("MaxWriteRequestUnits"))


def warm_throughput(wire: WireWarmThroughput | None) -> WarmThroughput | None:
    if wire is None:
        return None
    return WarmThroughput(wire.get("ReadUnitsPerSecond"), wire.get("WriteUnitsPerSecond"))
