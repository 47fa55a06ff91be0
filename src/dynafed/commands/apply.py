"""`dynafed apply FILE`: make a running server hold what a YAML/JSON file declares.

It talks to the server over HTTP with the admin credentials, through boto3, exactly as any
AWS client would, so it works against a remote node too. Objects are applied in dependency
order (identity providers, managed policies, roles, instance profiles, groups, users,
tables); each is reported as created, changed (with what changed) or unchanged once the
server has accepted every call, and a second run reports no changes. A refused call is
reported with the object and the step. `--dry-run` shows the same report without calling
any write API. An access key created for a user is shown once: on the terminal, or with
`--keys-file` appended to that file (created with mode 0600) instead.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import TextIO

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from dynafed.apply.changes import Outcome
from dynafed.apply.iam import (
    policy_arn,
    reconcile_managed_policy,
    reconcile_oidc_provider,
    reconcile_role,
    reconcile_saml_provider,
)
from dynafed.apply.instance_profiles import reconcile_instance_profile
from dynafed.apply.spec import Spec, SpecError, load_spec
from dynafed.apply.tables import reconcile_table
from dynafed.apply.users import CreatedKey, KeySink, reconcile_group, reconcile_user
from dynafed.commands.server_access import NoCredentials, add_server_arguments, admin_credentials


class Clients:
    def __init__(self, endpoint: str, region: str, access_key: str, secret_key: str) -> None:
        session = boto3.session.Session(
            aws_access_key_id=access_key, aws_secret_access_key=secret_key, region_name=region
        )
        config = Config(retries={"max_attempts": 2, "mode": "standard"})
        self.iam = session.client("iam", endpoint_url=endpoint, config=config)
        self.dynamodb = session.client("dynamodb", endpoint_url=endpoint, config=config)
        self.sts = session.client("sts", endpoint_url=endpoint, config=config)


class CreatedKeys:
    """Access keys created during a run, shown once after their user's line: printed, or
    appended as JSON lines to `path` (only its owner may read it: mode 0600)."""

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._pending: list[CreatedKey] = []

    def __call__(self, key: CreatedKey) -> None:
        self._pending.append(key)

    def flush(self, out: TextIO) -> None:
        keys, self._pending = self._pending, []
        if not keys:
            return
        if self._path is None:
            for key in keys:
                print(
                    f"  access key of {key.user_name}: {key.access_key_id} "
                    f"secret {key.secret_access_key} (shown once)",
                    file=out,
                )
            return
        fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as file:
            for key in keys:
                record = {
                    "UserName": key.user_name,
                    "AccessKeyId": key.access_key_id,
                    "SecretAccessKey": key.secret_access_key,
                }
                file.write(json.dumps(record) + "\n")
        for key in keys:
            print(
                f"  access key of {key.user_name}: {key.access_key_id} (secret in {self._path})",
                file=out,
            )


def _outcomes(spec: Spec, clients: Clients, keys: KeySink) -> Iterator[Callable[[], Outcome]]:
    """One deferred reconciliation per object, in dependency order: each looks at the
    server only when its turn comes, after the objects before it were applied."""
    iam = clients.iam
    account_id: str = clients.sts.get_caller_identity()["Account"]
    for oidc in spec.oidc_providers:
        yield partial(reconcile_oidc_provider, iam, account_id, oidc)
    for saml in spec.saml_providers:
        yield partial(reconcile_saml_provider, iam, account_id, saml)
    for policy in spec.managed_policies:
        yield partial(reconcile_managed_policy, iam, account_id, policy)
    declared = {policy.name: policy_arn(account_id, policy) for policy in spec.managed_policies}
    for role in spec.roles:
        yield partial(reconcile_role, iam, role, declared)
    for profile in spec.instance_profiles:
        yield partial(reconcile_instance_profile, iam, profile)
    for group in spec.groups:
        yield partial(reconcile_group, iam, group, declared)
    for user in spec.users:
        yield partial(reconcile_user, iam, user, declared, keys)
    for table in spec.tables:
        yield partial(reconcile_table, clients.dynamodb, table)


def _describe_error(error: Exception) -> str:
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        return f"{details.get('Code')}: {details.get('Message')}"
    return str(error)


def _converge(result: Outcome, out: TextIO) -> bool:
    """Run `result`'s changes in order; on the first refusal, say which object and which
    change failed (and what was done before it) and return False."""
    done: list[str] = []
    for change in result.changes:
        try:
            change.run()
        except (ClientError, BotoCoreError) as error:
            verb = "create" if result.status == "created" else "change"
            applied = f" (already applied: {'; '.join(done)})" if done else ""
            step = "" if change.description == "create" else f" at {change.description}"
            print(
                f"{result.label}: {verb} failed{step}: {_describe_error(error)}{applied}", file=out
            )
            return False
        done.append(change.description)
    return True


def apply_spec(
    spec: Spec,
    clients: Clients,
    *,
    dry_run: bool,
    out: TextIO,
    keys_file: Path | None = None,
) -> int:
    """Apply (or with `dry_run`, only report); 0 when everything converged, 1 otherwise."""
    counts = {"created": 0, "changed": 0, "unchanged": 0}
    keys = CreatedKeys(keys_file)
    try:
        for reconcile in _outcomes(spec, clients, keys):
            result = reconcile()
            if not dry_run and not _converge(result, out):
                keys.flush(out)  # a key created before the refusal is still shown once
                return 1
            # Reported only now: a line saying `created` means the server has it.
            print(result.line(dry_run=dry_run), file=out)
            for note in result.notes:
                print(f"  warning: {note}", file=out)
            keys.flush(out)
            counts[result.status] += 1
    except (ClientError, BotoCoreError) as error:
        print(f"error: {_describe_error(error)}", file=out)
        return 1
    if counts["created"] or counts["changed"]:
        prefix = "would be " if dry_run else ""
        print(
            f"{counts['created']} {prefix}created, {counts['changed']} {prefix}changed, "
            f"{counts['unchanged']} unchanged.",
            file=out,
        )
    else:
        print(f"No changes: all {counts['unchanged']} objects are up to date.", file=out)
    return 0


def run_apply(args: argparse.Namespace) -> int:
    try:
        spec = load_spec(args.file)
        access_key, secret_key = admin_credentials(args.data_dir)
    except (SpecError, NoCredentials) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    clients = Clients(args.endpoint_url, args.region, access_key, secret_key)
    return apply_spec(spec, clients, dry_run=args.dry_run, out=sys.stdout, keys_file=args.keys_file)


def add_apply_command(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = subparsers.add_parser(
        "apply",
        help="create or update the IAM entities and tables declared in a file",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument("file", type=Path, help="YAML or JSON file (see docs/apply.md)")
    add_server_arguments(command, "the region to work in")
    command.add_argument(
        "--dry-run", action="store_true", help="report what would change without changing anything"
    )
    command.add_argument(
        "--keys-file",
        type=Path,
        help="append access keys created for users to this file (mode 0600) instead of "
        "printing their secrets",
    )
    command.set_defaults(func=run_apply)
