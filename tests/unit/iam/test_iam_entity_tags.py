"""Tags of managed policies, OpenID Connect and SAML providers and instance profiles
(TagPolicy, TagOpenIDConnectProvider, TagSAMLProvider, TagInstanceProfile and their Untag /
List…Tags): set, replaced by key, removed, paged; AWS managed policies cannot be tagged."""

from __future__ import annotations

from typing import Any

import pytest
from iam_harness import InProcessIam
from test_iam_providers import metadata

TAGS = [{"Key": "team", "Value": "db"}, {"Key": "env", "Value": "dev"}]


def targets(iam: InProcessIam) -> dict[str, tuple[str, dict[str, Any]]]:
    """Tag action suffix → (the entity's parameter name, its value)."""
    policy = iam.create_policy("Tagged")["Arn"]
    oidc = iam.call(
        "CreateOpenIDConnectProvider", Url="https://idp.example.com", ClientIDList=["app"]
    )["OpenIDConnectProviderArn"]
    saml = iam.call("CreateSAMLProvider", Name="Corp", SAMLMetadataDocument=metadata())[
        "SAMLProviderArn"
    ]
    iam.call("CreateInstanceProfile", InstanceProfileName="Profile")
    return {
        "Policy": ("PolicyArn", {"PolicyArn": policy}),
        "OpenIDConnectProvider": ("OpenIDConnectProviderArn", {"OpenIDConnectProviderArn": oidc}),
        "SAMLProvider": ("SAMLProviderArn", {"SAMLProviderArn": saml}),
        "InstanceProfile": ("InstanceProfileName", {"InstanceProfileName": "Profile"}),
    }


@pytest.mark.parametrize(
    "kind", ["Policy", "OpenIDConnectProvider", "SAMLProvider", "InstanceProfile"]
)
def test_tag_untag_and_list(iam: InProcessIam, kind: str) -> None:
    _, entity = targets(iam)[kind]
    iam.call(f"Tag{kind}", Tags=TAGS, **entity)
    iam.call(f"Tag{kind}", Tags=[{"Key": "team", "Value": "games"}], **entity)
    listed = iam.call(f"List{kind}Tags", **entity)
    assert listed["Tags"] == [{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "games"}]
    first = iam.call(f"List{kind}Tags", MaxItems=1, **entity)
    assert first["IsTruncated"] is True and len(first["Tags"]) == 1
    iam.call(f"Untag{kind}", TagKeys=["env"], **entity)
    assert iam.call(f"List{kind}Tags", **entity)["Tags"] == [{"Key": "team", "Value": "games"}]


def test_tags_of_missing_entities_and_of_aws_policies(iam: InProcessIam) -> None:
    assert iam.error("ListInstanceProfileTags", InstanceProfileName="Nope")[0] == "NoSuchEntity"
    assert (
        iam.error("TagPolicy", PolicyArn="arn:aws:iam::123456789012:policy/Nope", Tags=TAGS)[0]
        == "NoSuchEntity"
    )
    aws = "arn:aws:iam::aws:policy/AdministratorAccess"
    assert iam.error("TagPolicy", PolicyArn=aws, Tags=TAGS)[0] == "AccessDenied"
    assert iam.call("ListPolicyTags", PolicyArn=aws)["Tags"] == []
