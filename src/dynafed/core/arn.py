"""Amazon Resource Names: parsing, and IAM's segment-wise ARN wildcard matching.

An ARN is `arn:partition:service:region:account:resource`. The first five colons delimit
segments; the resource segment is the rest of the string and may itself contain colons.

Matching (IAM "Resource" element page and the `ArnLike` rules of the condition operators
page): each segment is wildcard-matched on its own, case-sensitively. A wildcard in the
first five segments therefore never crosses a colon, while in the resource segment `*`
spans everything (`table/GameScores*` matches `table/GameScores/index/X`). The pattern
`arn:aws:someservice:*:111122223333:finance/*` does not match
`arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/x`.

A pattern with fewer than six segments (`arn:aws:dynamodb:*`) is matched the same way: its
last segment takes the rest of the value. AWS does not document this shape [C].
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dynafed.core.wildcard import (
    Matcher,
    Piece,
    Token,
    Wildcard,
    compile_tokens,
    compiled_regex,
    regex_source,
    tokenize,
)

SEGMENTS = 6
KNOWN_PARTITIONS = frozenset(
    {"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"}
)


@dataclass(frozen=True, slots=True)
class Arn:
    partition: str
    service: str
    region: str
    account: str
    resource: str

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"


def parse_arn(text: str) -> Arn | None:
    """The ARN's segments, or None if `text` is not shaped like an ARN."""
    parts = text.split(":", SEGMENTS - 1)
    if len(parts) != SEGMENTS or parts[0] != "arn":
        return None
    _, partition, service, region, account, resource = parts
    return Arn(partition, service, region, account, resource)


def is_arn(text: str) -> bool:
    return text.startswith("arn:") and text.count(":") >= SEGMENTS - 1


def compile_arn_pattern(pieces: Iterable[Piece]) -> Matcher:
    """Compile an ARN pattern (assembled from wildcard pieces) into a segment-wise matcher."""
    tokens = tokenize(pieces)
    head, tail = _split_at_last_delimiting_colon(tokens)
    if not any(isinstance(t, Wildcard) for t in head):
        # Literal leading segments: segment-wise matching equals a plain glob.
        return compile_tokens(tokens)
    source = regex_source(head, star="[^:]*", one="[^:]") + regex_source(tail)
    return compiled_regex(source).fullmatch


def arn_pattern_matches(pattern: str, value: str) -> bool:
    """One-off segment-wise match of a plain ARN pattern."""
    return bool(compile_arn_pattern(((pattern, False),))(value))


def _split_at_last_delimiting_colon(tokens: list[Token]) -> tuple[list[Token], list[Token]]:
    """Split tokens after the colon that starts the pattern's last segment.

    Wildcards before that colon stay inside their segment; after it they span anything.
    The last segment is the sixth, or the final one of a shorter pattern.
    """
    colons_seen = 0
    total = sum(t.count(":") for t in tokens if isinstance(t, str))
    last_delimiter = min(total, SEGMENTS - 1)
    if last_delimiter == 0:
        return [], tokens
    for index, token in enumerate(tokens):
        if not isinstance(token, str):
            continue
        for offset, char in enumerate(token):
            if char != ":":
                continue
            colons_seen += 1
            if colons_seen == last_delimiter:
                head = [*tokens[:index], token[: offset + 1]]
                rest = token[offset + 1 :]
                tail = ([rest] if rest else []) + tokens[index + 1 :]
                return head, tail
    raise AssertionError("unreachable: colon count was computed from the same tokens")
