"""GenerateCredentialReport / GetCredentialReport: IAM's CSV columns, a line per user and
the root, made at most every four hours and readable for four."""

from __future__ import annotations

import csv
import io

from iam_harness import ACCOUNT, InProcessIam

from dynafed.iam.api.credential_report import COLUMNS


def test_report_lines(iam: InProcessIam) -> None:
    assert iam.error("GetCredentialReport")[:1] == ("ReportNotPresent",)
    assert iam.error("GetCredentialReport")[2] == 410
    iam.call("CreateUser", UserName="u")
    assert iam.call("GenerateCredentialReport")["State"] == "COMPLETE"
    report = iam.call("GetCredentialReport")
    assert report["ReportFormat"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(report["Content"].decode("utf-8"))))
    assert tuple(rows[0]) == COLUMNS
    root, user = rows
    assert (root["user"], root["arn"]) == ("<root_account>", f"arn:aws:iam::{ACCOUNT}:root")
    assert user["user"] == "u" and user["password_enabled"] == "false"
    assert user["access_key_1_active"] == "false"


def test_a_report_is_kept_four_hours(iam: InProcessIam) -> None:
    iam.call("GenerateCredentialReport")
    iam.call("CreateUser", UserName="later")
    iam.call("GenerateCredentialReport")  # less than four hours old: the same report
    content = iam.call("GetCredentialReport")["Content"].decode("utf-8")
    assert "later" not in content
    iam.clock.advance(4 * 3600)
    assert iam.error("GetCredentialReport")[0] == "ReportExpired"
    iam.call("GenerateCredentialReport")
    assert "later" in iam.call("GetCredentialReport")["Content"].decode("utf-8")
