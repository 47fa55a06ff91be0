"""Reading `dynafed apply` files (docs/apply.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dynafed.apply.changes import Change, Outcome
from dynafed.apply.spec import SpecError, load_spec

EXAMPLE = """
oidc_providers:
  - url: http://127.0.0.1:4010/idp
    client_ids: [game-app]
saml_providers:
  - name: Corp
    metadata_file: corp.xml
managed_policies:
  - name: Reads
    document:
      Version: 2012-10-17
      Statement:
        - Effect: Allow
          Action: dynamodb:Query
          Resource: "*"
roles:
  - name: GameRole
    trust_policy: '{"Version": "2012-10-17", "Statement": []}'
    inline_policies:
      Own:
        Version: 2012-10-17
        Statement: []
    managed_policies: [Reads]
    tags: {team: blue, empty: }
tables:
  - TableName: GameScores
    KeySchema: [{AttributeName: UserId, KeyType: HASH}]
    AttributeDefinitions: [{AttributeName: UserId, AttributeType: S}]
    BillingMode: PAY_PER_REQUEST
"""


def write(tmp_path: Path, text: str, name: str = "dynafed.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_example_file_reads_into_records(tmp_path: Path) -> None:
    write(tmp_path, "<EntityDescriptor/>", "corp.xml")
    spec = load_spec(write(tmp_path, EXAMPLE))
    assert spec.oidc_providers[0].client_ids == ("game-app",)
    assert spec.oidc_providers[0].thumbprints is None
    assert spec.saml_providers[0].metadata == "<EntityDescriptor/>"
    # An unquoted YAML date stays the string IAM expects.
    assert spec.managed_policies[0].document["Version"] == "2012-10-17"
    role = spec.roles[0]
    assert role.trust_policy == {"Version": "2012-10-17", "Statement": []}
    assert role.inline_policies["Own"]["Version"] == "2012-10-17"
    assert role.max_session_duration == 3600 and role.path == "/"
    assert role.tags == {"team": "blue", "empty": ""}
    assert spec.tables[0]["TableName"] == "GameScores"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("roles:\n  - name: R\n", "roles[0]: missing key(s) trust_policy"),
        ("rolez: []\n", "file: unknown key(s) rolez"),
        ("roles:\n  - {name: R, trust_policy: 'not json'}\n", "roles[0].trust_policy: not valid"),
        ("saml_providers:\n  - name: C\n", "exactly one of metadata, metadata_file"),
        ("tables:\n  - {KeySchema: []}\n", "tables[0]: expected a CreateTable request"),
        ("roles: [\n", "not valid YAML or JSON"),
    ],
)
def test_mistakes_are_reported_with_their_place(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(SpecError) as caught:
        load_spec(write(tmp_path, text))
    assert message in str(caught.value)


def test_outcome_lines() -> None:
    change = Change("trust policy", lambda: None)
    assert Outcome("role R", "changed", [change]).line(dry_run=False) == (
        "role R: changed (trust policy)"
    )
    assert Outcome("role R", "created", [change]).line(dry_run=True) == "role R: would create"
    assert Outcome("role R", "unchanged").line(dry_run=True) == "role R: unchanged"


def test_the_documented_example_is_a_valid_file(tmp_path: Path) -> None:
    docs = Path(__file__).resolve().parents[3] / "docs" / "apply.md"
    example = docs.read_text().split("```yaml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "examples").mkdir()
    write(tmp_path / "examples", "<EntityDescriptor/>", "corp-idp-metadata.xml")
    spec = load_spec(write(tmp_path, example))
    assert [role.name for role in spec.roles] == ["GameRole"]
    assert spec.roles[0].inline_policies["OwnItems"]["Statement"][0]["Condition"] == {
        "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${127.0.0.1:4010/idp:sub}"]}
    }


def test_groups_users_and_instance_profiles(tmp_path: Path) -> None:
    path = tmp_path / "people.yaml"
    path.write_text(
        """
instance_profiles:
  - {name: WebProfile, role: Web}
groups:
  - name: readers
    managed_policies: [arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess]
users:
  - name: ci
    groups: [readers]
    access_key: true
    tags: {purpose: ci}
"""
    )
    spec = load_spec(path)
    assert spec.instance_profiles[0].role == "Web" and spec.instance_profiles[0].path == "/"
    assert spec.groups[0].managed_policies == (
        "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess",
    )
    (user,) = spec.users
    assert user.groups == ("readers",) and user.access_key and user.tags == {"purpose": "ci"}
    path.write_text("users:\n  - {name: ci, access_key: yes please}\n")
    with pytest.raises(SpecError, match=r"users\[0\]\.access_key"):
        load_spec(path)
    path.write_text("users:\n  - {name: ci, password: x}\n")
    with pytest.raises(SpecError, match="unknown key"):
        load_spec(path)
