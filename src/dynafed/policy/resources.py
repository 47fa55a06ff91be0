"""The `Resource` / `NotResource` element: `*` or an ARN pattern.

Matching is segment-wise and case-sensitive (`core.arn`). Under Version 2012-10-17 policy
variables may appear in the resource segment (after the fifth colon) and substitute as
literal text; a pattern whose variable has no value matches nothing (IAM Variables page).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dynafed.core.arn import KNOWN_PARTITIONS, SEGMENTS, compile_arn_pattern
from dynafed.core.wildcard import Matcher, has_wildcard
from dynafed.errors import MalformedPolicyDocument
from dynafed.policy import messages
from dynafed.policy.variables import Template, literal_template, parse_template

ContextValues = Mapping[str, Sequence[str]]


def resource_format_error(resource: str) -> str | None:
    """IAM's message for a resource it rejects, or None (messages.py names the recorded
    responses each check follows)."""
    if resource == "*":
        return None
    if ":" not in resource:
        return messages.resource_not_arn(resource)
    parts = resource.split(":")
    partition = parts[1]
    if partition not in KNOWN_PARTITIONS:
        return messages.invalid_partition(partition, _padded_arn(partition, parts[2:] or [""]))
    if len(parts) < 3 or has_wildcard(parts[2]):
        return messages.RESOURCE_VENDOR
    service = parts[2]
    region = parts[3] if len(parts) > 3 else ""
    path = ":".join(parts[5:])
    if service == "iam":
        if region != "":
            return messages.iam_resource_with_region(resource)
        if not _could_be_iam_path(path):
            return messages.IAM_RESOURCE_PATH
    if service == "s3" and region != "" and not path.startswith(_S3_REGIONAL_TYPES):
        return messages.s3_resource_with_region(resource)
    return None


_IAM_PATHS = (
    "user/",
    "federated-user/",
    "role/",
    "group/",
    "instance-profile/",
    "mfa/",
    "server-certificate/",
    "policy/",
    "sms-mfa/",
    "saml-provider/",
    "oidc-provider/",
    "report/",
    "access-report/",
)
_S3_REGIONAL_TYPES = (
    "accesspoint/",
    "job/",
    "storage-lens/",
    "storage-lens-group/",
    "access-grants/",
)
"""S3 resource types whose ARNs carry a region: access points (accepted by CreatePolicy,
localstack test_iam_policies.snapshot.json valid-50) and the other regional types of the
Service Authorization Reference's S3 page."""


def _could_be_iam_path(path: str) -> bool:
    """`*`, `root` or a known type prefix; a wildcard or variable before the prefix is
    complete counts if some allowed path could match it."""
    if path in ("*", "root") or path.startswith(_IAM_PATHS):
        return True
    cut = min((i for i in (path.find("*"), path.find("?"), path.find("${")) if i >= 0), default=-1)
    if cut < 0:
        return False
    literal = path[:cut]
    return any(allowed.startswith(literal) for allowed in (*_IAM_PATHS, "root"))


def _padded_arn(partition: str, rest: list[str]) -> str:
    """The resource as IAM echoes it in the partition error: missing segments become `*`."""
    first = rest[0] if rest[0] != "" or len(rest) > 1 else "*"
    second = rest[1] if len(rest) > 1 else "*"
    third = rest[2] if len(rest) > 2 else "*"
    fourth = ":".join(rest[3:]) if len(rest) > 3 else "*"
    return f"arn:{partition}:{first}:{second}:{third}:{fourth}"


def passes_legacy_parsing(resource: str) -> bool:
    """IAM's older parser: an ARN either has all six segments or no empty `::` segment, and
    its service segment is not empty (CreatePolicy recorded against AWS: localstack
    test_iam_policies.snapshot.json invalid-36, -68, -77)."""
    if resource == "*":
        return True
    parts = resource.split(":")
    if len(parts) > 2 and parts[2] == "":
        return False
    return len(parts) >= SEGMENTS or "::" not in resource


def parse_resource_template(resource: str, *, variables: bool) -> Template:
    """The resource as a template; variables outside the resource segment are rejected."""
    if not variables or "${" not in resource:
        return literal_template(resource)
    head = resource.split(":", SEGMENTS - 1)
    if len(head) < SEGMENTS or any("${" in segment for segment in head[:-1]):
        raise MalformedPolicyDocument(messages.variable_not_allowed("Resource ARN", resource))
    template = parse_template(head[-1], shown=resource)
    prefix = resource[: len(resource) - len(head[-1])]
    return Template((prefix, *template.parts))


@dataclass(frozen=True, slots=True)
class ResourceMatch:
    patterns: tuple[str, ...]
    negated: bool
    """True for `NotResource`."""
    static: tuple[Matcher, ...]
    templated: tuple[Template, ...]
    """Patterns with variables: compiled per request after substitution."""

    def matches(self, resource: str, context: ContextValues) -> bool:
        for matcher in self.static:
            if matcher(resource):
                return not self.negated
        for template in self.templated:
            if _template_matches(template, resource, context):
                return not self.negated
        return self.negated


def _template_matches(template: Template, resource: str, context: ContextValues) -> bool:
    pieces = template.pieces(context)
    return pieces is not None and bool(compile_arn_pattern(pieces)(resource))


def compile_resources(
    templates: tuple[Template, ...], written: tuple[str, ...], *, negated: bool
) -> ResourceMatch:
    static = tuple(compile_arn_pattern(t.pieces({}) or []) for t in templates if t.is_constant)
    templated = tuple(t for t in templates if not t.is_constant)
    return ResourceMatch(written, negated, static, templated)
