"""Account-wide IAM actions: GetAccountSummary, account aliases, the (absent) password
policy, and UpdateRoleDescription."""

from __future__ import annotations

from iam_harness import ACCOUNT, InProcessIam


def test_account_summary_counts_entities_and_reports_quotas(iam: InProcessIam) -> None:
    iam.call("CreateUser", UserName="u")
    iam.create_role("R")
    iam.create_policy("P")
    iam.call("CreateInstanceProfile", InstanceProfileName="IP")
    summary = iam.call("GetAccountSummary")["SummaryMap"]
    assert (summary["Users"], summary["Roles"], summary["Policies"]) == (1, 1, 1)
    assert summary["InstanceProfiles"] == 1 and summary["Groups"] == 0
    assert summary["AccessKeysPerUserQuota"] == 2
    assert summary["PolicySizeQuota"] == 6144 and summary["AccountMFAEnabled"] == 0


def test_one_account_alias(iam: InProcessIam) -> None:
    assert iam.call("ListAccountAliases")["AccountAliases"] == []
    iam.call("CreateAccountAlias", AccountAlias="game-studio")
    iam.call("CreateAccountAlias", AccountAlias="game-studio")
    assert iam.call("ListAccountAliases")["AccountAliases"] == ["game-studio"]
    assert iam.error("CreateAccountAlias", AccountAlias="other-name")[0] == "LimitExceeded"
    assert iam.error("CreateAccountAlias", AccountAlias="Bad--Alias")[0] == "ValidationError"
    assert iam.error("DeleteAccountAlias", AccountAlias="other-name")[0] == "NoSuchEntity"
    iam.call("DeleteAccountAlias", AccountAlias="game-studio")
    assert iam.call("ListAccountAliases")["AccountAliases"] == []


def test_no_password_policy(iam: InProcessIam) -> None:
    assert iam.error("GetAccountPasswordPolicy") == (
        "NoSuchEntity",
        f"The Password Policy with domain name {ACCOUNT} cannot be found.",
        404,
    )


def test_update_role_description_answers_with_the_role(iam: InProcessIam) -> None:
    iam.create_role("R")
    role = iam.call("UpdateRoleDescription", RoleName="R", Description="players")["Role"]
    assert role["Description"] == "players"
    assert iam.call("GetRole", RoleName="R")["Role"]["Description"] == "players"
