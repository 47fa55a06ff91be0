"""GenerateCredentialReport and GetCredentialReport: one CSV line per IAM user (and the
account's root) with the state of its credentials, in the columns IAM documents (IAM User
Guide, "Getting credential reports for your AWS account").

As in IAM, a report is made at most every four hours (asking again sooner returns the one
there is) and can be read for four hours. dynafed has no console passwords, MFA devices or
signing certificates, and does not record when a key was last used, so those columns say
`false` / `N/A`.
"""

from __future__ import annotations

import base64
import csv
import io
from datetime import UTC, datetime
from typing import Any

from dynafed.errors import ReportExpired, ReportNotPresent
from dynafed.iam import key_last_use, repository
from dynafed.iam.api.account import ACCOUNT_KIND
from dynafed.iam.api.context import IamContext
from dynafed.iam.api.inputs import Args
from dynafed.iam.models import ACTIVE, AccessKey, User
from dynafed.storage.port import ReadView, WriteTxn

REPORT_DOCUMENT = "credential-report"
REPORT_LIFETIME_SECONDS = 4 * 3600
NOT_AVAILABLE = "N/A"
COLUMNS = (
    "user", "arn", "user_creation_time", "password_enabled", "password_last_used",
    "password_last_changed", "password_next_rotation", "mfa_active",
    "access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date",
    "access_key_1_last_used_region", "access_key_1_last_used_service",
    "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
    "access_key_2_last_used_region", "access_key_2_last_used_service",
    "cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
)  # fmt: skip


def _time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat()


def _key_columns(view: ReadView, key: AccessKey | None) -> list[str]:
    if key is None:
        return ["false", NOT_AVAILABLE, NOT_AVAILABLE, NOT_AVAILABLE, NOT_AVAILABLE]
    active = "true" if key.status == ACTIVE else "false"
    use = key_last_use.last_use(view, key.access_key_id)
    if use is None:
        return [active, _time(key.created_at), NOT_AVAILABLE, NOT_AVAILABLE, NOT_AVAILABLE]
    return [active, _time(key.created_at), _time(use.used_at), use.region, use.service]


def _user_row(view: ReadView, user: User) -> list[str]:
    found = (repository.find_access_key(view, key_id) for key_id in user.access_key_ids)
    keys = sorted((k for k in found if k is not None), key=lambda k: k.created_at)
    padded: list[AccessKey | None] = [*keys[:2], None, None][:2]
    return [
        user.name, user.arn, _time(user.created_at),
        "false", NOT_AVAILABLE, NOT_AVAILABLE, NOT_AVAILABLE, "false",
        *_key_columns(view, padded[0]), *_key_columns(view, padded[1]),
        "false", NOT_AVAILABLE, "false", NOT_AVAILABLE,
    ]  # fmt: skip


def _root_row(account_id: str) -> list[str]:
    # The admin key is the root's; its creation time is not recorded.
    return [
        "<root_account>", f"arn:aws:iam::{account_id}:root", NOT_AVAILABLE,
        "not_supported", NOT_AVAILABLE, "not_supported", "not_supported", "false",
        "true", NOT_AVAILABLE, NOT_AVAILABLE, NOT_AVAILABLE, NOT_AVAILABLE,
        "false", NOT_AVAILABLE, NOT_AVAILABLE, NOT_AVAILABLE, NOT_AVAILABLE,
        "false", NOT_AVAILABLE, "false", NOT_AVAILABLE,
    ]  # fmt: skip


def _report(view: ReadView, account_id: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerow(_root_row(account_id))
    for user in repository.list_users(view):
        writer.writerow(_user_row(view, user))
    return out.getvalue().rstrip("\n")


def generate_credential_report(ctx: IamContext, args: Args) -> dict[str, Any]:
    now = ctx.now()

    def write(txn: WriteTxn) -> None:
        current = txn.get_document(ACCOUNT_KIND, REPORT_DOCUMENT)
        if current is not None and now - current["generated_at"] < REPORT_LIFETIME_SECONDS:
            return
        content = _report(txn, ctx.account_id)
        txn.put_document(ACCOUNT_KIND, REPORT_DOCUMENT, {"generated_at": now, "content": content})

    ctx.write(write)
    # Made at once, so never `STARTED` / `INPROGRESS`: tools that poll see it ready.
    return {"State": "COMPLETE"}


def get_credential_report(ctx: IamContext, args: Args) -> dict[str, Any]:
    with ctx.read() as view:
        current = view.get_document(ACCOUNT_KIND, REPORT_DOCUMENT)
    if current is None:
        raise ReportNotPresent(
            "Credential report not present. Call GenerateCredentialReport to generate one."
        )
    if ctx.now() - current["generated_at"] >= REPORT_LIFETIME_SECONDS:
        raise ReportExpired(
            "Credential report is expired. Call GenerateCredentialReport to generate a new one."
        )
    content = base64.b64encode(current["content"].encode("utf-8")).decode("ascii")
    return {
        "Content": content,
        "ReportFormat": "text/csv",
        "GeneratedTime": datetime.fromtimestamp(current["generated_at"], UTC),
    }
