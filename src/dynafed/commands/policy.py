"""`dynafed policy check` and `dynafed policy simulate`.

    dynafed policy check FILE [--kind identity|managed|boundary|session|trust|resource]
                              [--key-attributes A,B]
    dynafed policy simulate --policy FILE [--policy FILE ...] [--boundary FILE]
                            [--session-policy FILE ...] [--resource-policy FILE ...]
                            --action ACTION [--resource ARN] [--context KEY=VALUE ...]
                            [--principal ARN] [--role-arn ARN] [--principal-type TYPE]

Exit codes. check: 0 valid and no findings, 1 valid with findings, 2 invalid (or
unreadable). simulate: 0 allowed, 1 denied, 2 a policy is invalid (or unreadable).

The only module of the policy package that reads files and prints; the engine stays pure.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from dynafed.errors import AwsError, MalformedPolicyDocument
from dynafed.policy.decision import Decision, StatementRef
from dynafed.policy.explain import access_denied_message, access_denied_reason
from dynafed.policy.kinds import PolicyKind
from dynafed.policy.lint import lint_policy
from dynafed.policy.model import Policy
from dynafed.policy.parse import parse_policy
from dynafed.policy.policy_set import NamedPolicy, PolicySet
from dynafed.policy.request import PrincipalType, Request, RequestPrincipal
from dynafed.policy.simulate import simulate

EXIT_OK = 0
EXIT_FINDINGS_OR_DENIED = 1
EXIT_INVALID = 2


class _InvalidInput(Exception):
    """A file that cannot be read or a policy that does not parse: exit code 2."""


def add_policy_commands(subparsers: Any) -> None:
    """Register `policy check` and `policy simulate` on the main CLI's subparsers."""
    policy = subparsers.add_parser("policy", help="check and simulate IAM policies offline")
    commands = policy.add_subparsers(dest="policy_command", required=True)
    _add_check(commands)
    _add_simulate(commands)


def _add_check(commands: Any) -> None:
    check = commands.add_parser(
        "check", help="validate a policy document and warn about likely mistakes"
    )
    check.add_argument("file", type=Path, help="the policy document (JSON)")
    check.add_argument(
        "--kind",
        choices=[k.value for k in PolicyKind],
        default=PolicyKind.IDENTITY.value,
        help="how the document is used (default: identity)",
    )
    check.add_argument(
        "--key-attributes",
        default="",
        metavar="A,B",
        help="the table's key attribute names, checked against dynamodb:Attributes lists",
    )
    check.set_defaults(func=run_check)


def _add_simulate(commands: Any) -> None:
    sim = commands.add_parser("simulate", help="decide one request and explain the decision")
    sim.add_argument(
        "--policy",
        type=Path,
        action="append",
        metavar="FILE",
        help="an identity-based policy (repeatable)",
    )
    sim.add_argument("--boundary", type=Path, metavar="FILE", help="a permissions boundary")
    sim.add_argument(
        "--session-policy",
        type=Path,
        action="append",
        metavar="FILE",
        help="a session policy (repeatable)",
    )
    sim.add_argument(
        "--resource-policy",
        type=Path,
        action="append",
        metavar="FILE",
        help="a resource-based policy (repeatable)",
    )
    sim.add_argument("--action", required=True, help="e.g. dynamodb:GetItem")
    sim.add_argument("--resource", default="*", help="the resource ARN (default: *)")
    sim.add_argument(
        "--context",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a condition key value; repeat a key for several values",
    )
    sim.add_argument("--principal", help="the caller's ARN (session ARN for a role session)")
    sim.add_argument("--role-arn", help="the role of an assumed-role session")
    sim.add_argument(
        "--principal-type",
        choices=[t.value for t in PrincipalType],
        default=PrincipalType.AWS.value,
    )
    sim.set_defaults(func=run_simulate)


def run_check(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    kind = PolicyKind(args.kind)
    try:
        policy = _parse_file(args.file, kind)
    except _InvalidInput as error:
        print(f"invalid {kind.value} policy: {error}", file=out)
        return EXIT_INVALID
    keys = [k.strip() for k in args.key_attributes.split(",") if k.strip()]
    findings = lint_policy(policy, key_attributes=keys)
    print(f"{args.file}: valid {kind.value} policy", file=out)
    for finding in findings:
        label = _statement_label(finding.statement_index, finding.sid)
        print(f"  {finding.severity.value} {finding.code} ({label}): {finding.message}", file=out)
    return EXIT_FINDINGS_OR_DENIED if findings else EXIT_OK


def run_simulate(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    try:
        policies = _policy_set(args)
        context = _context(args.context)
    except _InvalidInput as error:
        print(f"invalid input: {error}", file=out)
        return EXIT_INVALID
    principal = None
    if args.principal:
        principal = RequestPrincipal(
            args.principal, PrincipalType(args.principal_type), role_arn=args.role_arn
        )
    request = Request(args.action, args.resource, context, principal)
    result = simulate(policies, request)
    _print_decision(result.decision, request, out)
    for ref in result.matched_statements:
        print(f"matched statement: {_describe(ref)}", file=out)
    if result.missing_context_values:
        print(f"missing context values: {', '.join(result.missing_context_values)}", file=out)
    return EXIT_OK if result.decision.allowed else EXIT_FINDINGS_OR_DENIED


def _print_decision(decision: Decision, request: Request, out: TextIO) -> None:
    print(f"decision: {decision.decision.value}", file=out)
    if decision.statement is not None:
        print(f"deciding statement: {_describe(decision.statement)}", file=out)
    if decision.allowed:
        return
    print(f"reason: {access_denied_reason(decision, request.action)}", file=out)
    if request.principal is not None:
        message = access_denied_message(
            decision,
            principal_arn=request.principal.id,
            action=request.action,
            resource=request.resource,
        )
        print(f"message: {message}", file=out)
    for failure in decision.failed_conditions:
        where = _describe(failure.statement)
        print(f"failed condition: {where}: {failure.operator} on {failure.key}", file=out)


def _describe(ref: StatementRef) -> str:
    label = _statement_label(ref.index, ref.sid)
    return f"{ref.policy_type.phrase} {ref.policy_id}, {label}"


def _statement_label(index: int, sid: str | None) -> str:
    return f"statement {index}" + (f" (Sid {sid})" if sid else "")


def _policy_set(args: argparse.Namespace) -> PolicySet:
    def named(paths: Sequence[Path] | None, kind: PolicyKind) -> tuple[NamedPolicy, ...]:
        return tuple(NamedPolicy(p.stem, _parse_file(p, kind)) for p in paths or ())

    boundary = named([args.boundary], PolicyKind.BOUNDARY)[0] if args.boundary else None
    sessions = args.session_policy
    return PolicySet(
        identity=named(args.policy, PolicyKind.IDENTITY),
        boundary=boundary,
        session=named(sessions, PolicyKind.SESSION) if sessions else None,
        resource=named(args.resource_policy, PolicyKind.RESOURCE),
    )


def _parse_file(path: Path, kind: PolicyKind) -> Policy:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise _InvalidInput(f"cannot read {path}: {error}") from error
    try:
        return parse_policy(text, kind)
    except AwsError as error:
        detail = error.detail if isinstance(error, MalformedPolicyDocument) else None
        where = f" ({detail})" if detail else ""
        raise _InvalidInput(f"{path}: {error.code}: {error.message}{where}") from error


def _context(pairs: Sequence[str]) -> dict[str, list[str]]:
    context: dict[str, list[str]] = {}
    for pair in pairs:
        key, separator, value = pair.partition("=")
        if not separator or not key:
            raise _InvalidInput(f"--context expects KEY=VALUE, got {pair!r}")
        context.setdefault(key, []).append(value)
    return context
