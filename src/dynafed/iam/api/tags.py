"""Tags of IAM entities: the lists given to Create* and Tag* actions (the duplicate-key rule
differs per entity type), and the case-insensitive tag set of a role or user (IAM User
Guide, "Tagging IAM resources": a key differing only in case replaces the existing one)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dynafed.errors import InvalidInput, LimitExceeded
from dynafed.iam.api.inputs import Args
from dynafed.iam.api.pagination import page
from dynafed.iam.models import Tags

TAGS_PER_ENTITY = 50


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


def with_tags(existing: Tags, added: Tags) -> Tags:
    """`existing` with `added` set: a key already there (in any case) takes the new tag."""
    replaced = {key.lower() for key, _ in added}
    merged = [tag for tag in existing if tag[0].lower() not in replaced] + added
    if len(merged) > TAGS_PER_ENTITY:
        raise LimitExceeded("The number of tags has reached the maximum limit.")
    return merged


def without_tags(existing: Tags, keys: Sequence[str]) -> Tags:
    removed = {key.lower() for key in keys}
    return [tag for tag in existing if tag[0].lower() not in removed]


def tags_page(tags: Tags, args: Args) -> dict[str, Any]:
    """A List*Tags answer: the tags in the order they were set, paged by Marker/MaxItems."""
    keyed = [(f"{index:04d}", tag) for index, tag in enumerate(tags)]
    chunk, paging = page(keyed, lambda item: item[0], args["Marker"], args["MaxItems"])
    return {"Tags": tags_view([tag for _, tag in chunk]), **paging}
