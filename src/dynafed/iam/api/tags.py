"""Tag lists given to Create* actions: the duplicate-key rule differs per entity type."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dynafed.errors import InvalidInput
from dynafed.iam.models import Tags


def tags_from_args(raw: Sequence[dict[str, Any]] | None) -> Tags:
    return [(str(tag["Key"]), str(tag["Value"])) for tag in raw or []]


def reject_duplicate_keys(tags: Tags, *, case_insensitive: bool) -> None:
    """Roles and providers treat `Team` and `team` as one key; managed policies do not
    (AWS answers differ by message too, as recorded against real IAM)."""
    keys = [key.lower() if case_insensitive else key for key, _ in tags]
    if len(set(keys)) == len(keys):
        return
    if case_insensitive:
        raise InvalidInput(
            "Duplicate tag keys found. Please note that Tag keys are case insensitive."
        )
    raise InvalidInput("Duplicate tag keys found.")


def tags_view(tags: Tags) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags]
