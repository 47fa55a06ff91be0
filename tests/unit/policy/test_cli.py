"""`dynafed policy check` and `dynafed policy simulate` on the command line."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest
from tests.unit.policy.support import allow, document

from dynafed.commands.policy import add_policy_commands

TABLE = "arn:aws:dynamodb:us-west-2:123456789012:table/GameScores"
SESSION = "arn:aws:sts::123456789012:assumed-role/GameRole/web-identity-federation"
U = "amzn1.account.AGJZDKHJKAUUSW6C44CHPEXAMPLE"
GAME_ROLE = document(
    allow(
        ["dynamodb:GetItem", "dynamodb:Query"],
        TABLE,
        Sid="Own",
        Condition={
            "ForAllValues:StringEquals": {
                "dynamodb:LeadingKeys": ["${www.amazon.com:user_id}"],
                "dynamodb:Attributes": ["UserId", "GameTitle", "TopScore"],
            },
            "StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"},
        },
    )
)


def run(*argv: str) -> tuple[int, str]:
    parser = argparse.ArgumentParser(prog="dynafed")
    add_policy_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    out = io.StringIO()
    code: int = args.func(args, out)
    return code, out.getvalue()


@pytest.fixture
def game_role(tmp_path: Path) -> Path:
    path = tmp_path / "GameRolePolicy.json"
    path.write_text(GAME_ROLE)
    return path


def test_check_clean_policy(game_role: Path) -> None:
    code, output = run("policy", "check", str(game_role), "--key-attributes", "UserId,GameTitle")
    assert code == 0
    assert output == f"{game_role}: valid identity policy\n"


def test_check_reports_findings(game_role: Path) -> None:
    code, output = run("policy", "check", str(game_role), "--key-attributes", "UserId,Level")
    assert code == 1
    assert "error ATTRIBUTES_MISSING_KEY_ATTRIBUTES (statement 0 (Sid Own))" in output
    assert "Level" in output


def test_check_invalid_policy(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(document(allow(Principal="*")))
    code, output = run("policy", "check", str(path))
    assert code == 2
    assert "MalformedPolicyDocument: Policy document should not specify a principal." in output
    code, _ = run("policy", "check", str(path), "--kind", "resource")
    assert code == 0


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{"Version": "2012-10-17",\n "Statement": [{"Effect": "Allow",}]}', "line 2, column 35"),
        ('{"Version": "2012-10-17" "Statement": []}', "line 1, column 26: Expecting ','"),
        (
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Effect": "Deny"}]}',
            'the key "Effect" appears twice',
        ),
    ],
)
def test_check_says_where_a_document_is_not_json(tmp_path: Path, text: str, where: str) -> None:
    """IAM answers only "Syntax errors in policy."; the check also says where."""
    path = tmp_path / "broken.json"
    path.write_text(text)
    code, output = run("policy", "check", str(path))
    assert code == 2
    assert "MalformedPolicyDocument: Syntax errors in policy." in output
    assert where in output


def test_check_unreadable_file(tmp_path: Path) -> None:
    code, output = run("policy", "check", str(tmp_path / "missing.json"))
    assert code == 2
    assert "cannot read" in output


def simulate(policy: Path, *extra: str) -> tuple[int, str]:
    return run(
        "policy",
        "simulate",
        "--policy",
        str(policy),
        "--action",
        "dynamodb:GetItem",
        "--resource",
        TABLE,
        *extra,
    )


def test_simulate_allowed(game_role: Path) -> None:
    code, output = simulate(
        game_role,
        "--context",
        f"www.amazon.com:user_id={U}",
        "--context",
        f"dynamodb:LeadingKeys={U}",
        "--context",
        "dynamodb:Attributes=UserId",
        "--context",
        "dynamodb:Attributes=TopScore",
        "--context",
        "dynamodb:Select=SPECIFIC_ATTRIBUTES",
    )
    assert code == 0
    assert output.splitlines()[:2] == [
        "decision: allowed",
        "deciding statement: identity-based policy GameRolePolicy, statement 0 (Sid Own)",
    ]


def test_simulate_denied_explains_why(game_role: Path) -> None:
    code, output = simulate(
        game_role,
        "--context",
        f"www.amazon.com:user_id={U}",
        "--context",
        f"dynamodb:LeadingKeys={U}",
        "--context",
        "dynamodb:Select=ALL_ATTRIBUTES",
        "--principal",
        SESSION,
    )
    assert code == 1
    lines = output.splitlines()
    assert lines[0] == "decision: implicitDeny"
    assert lines[1] == "reason: because no identity-based policy allows the dynamodb:GetItem action"
    assert lines[2] == (
        f"message: User: {SESSION} is not authorized to perform: dynamodb:GetItem on resource: "
        f"{TABLE} because no identity-based policy allows the dynamodb:GetItem action"
    )
    assert (
        "failed condition: identity-based policy GameRolePolicy, statement 0 (Sid Own): "
        "StringEqualsIfExists on dynamodb:Select" in lines
    )
    assert lines[-1] == "missing context values: dynamodb:Attributes"


def test_simulate_invalid_policy_and_context(tmp_path: Path, game_role: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    assert simulate(bad)[0] == 2
    code, output = simulate(game_role, "--context", "no-equals-sign")
    assert code == 2
    assert "KEY=VALUE" in output
