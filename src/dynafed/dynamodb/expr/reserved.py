"""DynamoDB's reserved words, kept as data in reserved_words.txt (from the Developer Guide)."""

from __future__ import annotations

from importlib.resources import files

RESERVED_WORDS = frozenset(
    line.strip().upper()
    for line in files(__package__).joinpath("reserved_words.txt").read_text("utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)


def is_reserved(name: str) -> bool:
    """True when `name` may not appear unescaped in an expression (case-insensitive)."""
    return name.upper() in RESERVED_WORDS
