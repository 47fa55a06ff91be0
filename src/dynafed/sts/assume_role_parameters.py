"""AssumeRole's own parameters beyond those every AssumeRole* call shares: ExternalId,
SourceIdentity, Tags and TransitiveTagKeys, with the STS service model's constraints
(https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dynafed.identity.verified import is_tag_text
from dynafed.sts.parameters import SessionRequest, Violations, parse_assume_role_request

EXTERNAL_ID_PATTERN = r"[\w+=,.@:\/-]*"
SOURCE_IDENTITY_PATTERN = r"[\w+=,.@-]*"
TAG_PATTERN = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*"
MAX_TAGS = 50
_EXTERNAL_ID = re.compile(EXTERNAL_ID_PATTERN)
_SOURCE_IDENTITY = re.compile(SOURCE_IDENTITY_PATTERN)


@dataclass(frozen=True, slots=True)
class AssumeRoleRequest:
    session: SessionRequest
    role_session_name: str
    external_id: str | None
    source_identity: str | None
    tags: dict[str, str]
    transitive_tag_keys: tuple[str, ...]


def _tag_text(text: str, member: str, low: int, violations: Violations) -> None:
    violations.length(text, member, low, 128 if member.endswith("key") else 256)
    if not is_tag_text(text):
        violations.add(text, member, f"satisfy regular expression pattern: {TAG_PATTERN}")


def parse_assume_role(params: dict[str, str]) -> AssumeRoleRequest:
    session, name = parse_assume_role_request(params)
    violations = Violations()
    external_id = params.get("ExternalId")
    violations.length(external_id, "externalId", 2, 1224)
    violations.pattern(external_id, "externalId", _EXTERNAL_ID, EXTERNAL_ID_PATTERN)
    source_identity = params.get("SourceIdentity")
    violations.length(source_identity, "sourceIdentity", 2, 64)
    violations.pattern(source_identity, "sourceIdentity", _SOURCE_IDENTITY, SOURCE_IDENTITY_PATTERN)
    tags = session_tags(params, violations)
    transitive = _transitive_keys(params, violations)
    violations.raise_if_any()
    return AssumeRoleRequest(session, name, external_id, source_identity, tags, transitive)


def session_tags(params: dict[str, str], violations: Violations) -> dict[str, str]:
    tags: dict[str, str] = {}
    index = 1
    while f"Tags.member.{index}.Key" in params:
        key = params[f"Tags.member.{index}.Key"]
        value = params.get(f"Tags.member.{index}.Value", "")
        _tag_text(key, f"tags.{index}.member.key", 1, violations)
        _tag_text(value, f"tags.{index}.member.value", 0, violations)
        tags[key] = value
        index += 1
    if len(tags) > MAX_TAGS:
        violations.add(str(len(tags)), "tags", f"have length less than or equal to {MAX_TAGS}")
    return tags


def _transitive_keys(params: dict[str, str], violations: Violations) -> tuple[str, ...]:
    keys: list[str] = []
    index = 1
    while f"TransitiveTagKeys.member.{index}" in params:
        key = params[f"TransitiveTagKeys.member.{index}"]
        violations.length(key, f"transitiveTagKeys.{index}.member", 1, 128)
        keys.append(key)
        index += 1
    if len(keys) > MAX_TAGS:
        violations.add(
            str(len(keys)), "transitiveTagKeys", f"have length less than or equal to {MAX_TAGS}"
        )
    return tuple(keys)
