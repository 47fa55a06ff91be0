"""STS results as the Query-protocol renderer takes them: element name → value, in the
order AWS's API reference lists the members (sts-identity.md §1.1, §1.4). `None` members
are left out of the XML, as AWS leaves out members it has no value for."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from dynafed.identity.verified import VerifiedIdentity
from dynafed.sts.credentials import TemporaryCredentials
from dynafed.sts.role_sessions import IssuedSession


def credentials(issued: TemporaryCredentials) -> dict[str, Any]:
    return {
        "AccessKeyId": issued.access_key_id,
        "SecretAccessKey": issued.secret_access_key,
        "SessionToken": issued.session_token,
        # ISO-8601 UTC: botocore and the JS SDK parse it into a timezone-aware date.
        "Expiration": datetime.fromtimestamp(issued.expiration, UTC),
    }


def assumed_role_user(issued: IssuedSession) -> dict[str, str]:
    return {"Arn": issued.arn, "AssumedRoleId": issued.assumed_role_id}


def web_identity_result(issued: IssuedSession, identity: VerifiedIdentity) -> dict[str, Any]:
    """AssumeRoleWithWebIdentityResult. `Provider` is the IAM OIDC provider's ARN (what real
    STS returns for IAM OIDC providers, sts-identity.md §1.4) or a built-in provider's name."""
    return {
        "Credentials": credentials(issued.credentials),
        "SubjectFromWebIdentityToken": identity.subject,
        "AssumedRoleUser": assumed_role_user(issued),
        "PackedPolicySize": issued.packed_policy_size,
        "Provider": identity.provider_arn,
        "Audience": identity.audience,
        "SourceIdentity": issued.session.source_identity,
    }


def assume_role_result(issued: IssuedSession) -> dict[str, Any]:
    return {
        "Credentials": credentials(issued.credentials),
        "AssumedRoleUser": assumed_role_user(issued),
        "PackedPolicySize": issued.packed_policy_size,
        "SourceIdentity": issued.session.source_identity,
    }
