"""IAM wildcard matching: `*` is any run of characters (also empty), `?` is exactly one.

Every other character is literal, the match always covers the whole string, and `*` spans
every character, `/` and `:` and newlines included (IAM "Action", "Resource" and
`StringLike` pages). Regex metacharacters in a pattern are literal (moto and PMapper leaked
`.`, `+`, `(` into regexes; see iam-fgac.md section 9).

A pattern may be assembled from *pieces*: `(text, literal)` pairs. Text of a literal piece
never acts as a wildcard. Policy variables produce literal pieces, so a user id that
contains `*` cannot widen a pattern (iam-fgac.md 4.2).

`compile_*` return a `Matcher`: a callable whose result is truthy iff the text matches.
Common shapes get specialised matchers (`==`, `startswith`, `endswith`, `in`) because they
run on every authorization; everything else becomes one anchored regex.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

Matcher = Callable[[str], object]
"""Returns a truthy value iff the text matches (a `bool` or an `re.Match`)."""

Piece = tuple[str, bool]
"""`(text, literal)`: when `literal` is true, `*` and `?` in `text` are ordinary characters."""


class Wildcard(enum.Enum):
    STAR = "*"
    ONE = "?"


Token = str | Wildcard
"""A literal run of text, or a wildcard."""


def has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


def compile_glob(pattern: str, *, ignore_case: bool = False) -> Matcher:
    """Compile one wildcard pattern. With `ignore_case`, the caller lower-cases the text."""
    if ignore_case:
        pattern = pattern.lower()
    return compile_pieces(((pattern, False),))


def compile_pieces(pieces: Iterable[Piece]) -> Matcher:
    """Compile a pattern assembled from pieces (see the module docstring)."""
    return compile_tokens(tokenize(pieces))


def compile_tokens(tokens: Sequence[Token]) -> Matcher:
    """Compile tokens from `tokenize`: a specialised matcher when possible, else a regex."""
    special = _specialised(tokens)
    if special is not None:
        return special
    return compiled_regex(regex_source(tokens)).fullmatch


def glob_match(pattern: str, text: str) -> bool:
    """One-off match of a plain pattern (no caching of the matcher)."""
    return bool(compile_glob(pattern)(text))


def tokenize(pieces: Iterable[Piece]) -> list[Token]:
    """Split pieces into literal runs and wildcards; consecutive stars collapse into one."""
    tokens: list[Token] = []
    run: list[str] = []
    for text, is_literal in pieces:
        if is_literal:
            run.append(text)
            continue
        for char in text:
            if char != "*" and char != "?":
                run.append(char)
                continue
            if run:
                tokens.append("".join(run))
                run = []
            wildcard = Wildcard.STAR if char == "*" else Wildcard.ONE
            # "**" means the same as "*"; collapsing keeps the regex free of nested stars.
            if not (wildcard is Wildcard.STAR and tokens and tokens[-1] is Wildcard.STAR):
                tokens.append(wildcard)
    if run:
        tokens.append("".join(run))
    return tokens


def regex_source(tokens: Sequence[Token], star: str = ".*", one: str = ".") -> str:
    """Regex source for tokens; `star` / `one` say what the two wildcards may consume."""
    parts: list[str] = []
    for token in tokens:
        if token is Wildcard.STAR:
            parts.append(star)
        elif token is Wildcard.ONE:
            parts.append(one)
        else:
            assert isinstance(token, str)
            parts.append(re.escape(token))
    return "".join(parts)


@lru_cache(maxsize=4096)
def compiled_regex(source: str) -> re.Pattern[str]:
    """The shared, bounded cache of wildcard regexes. Use `fullmatch`, never `$`: a `$`
    anchor accepts a trailing newline. DOTALL so `*` and `?` also consume newlines."""
    return re.compile(source, re.DOTALL)


def _specialised(tokens: Sequence[Token]) -> Matcher | None:
    """A fast matcher for the shapes policies use most, or None."""
    if not any(isinstance(t, Wildcard) for t in tokens):
        return "".join(t for t in tokens if isinstance(t, str)).__eq__
    if any(t is Wildcard.ONE for t in tokens):
        return None
    first, last = tokens[0], tokens[-1]
    if len(tokens) == 1:
        return _match_anything
    if len(tokens) == 2 and isinstance(first, str):
        return _prefix_matcher(first)
    if len(tokens) == 2 and isinstance(last, str):
        return _suffix_matcher(last)
    middle = tokens[1]
    if len(tokens) == 3 and first is Wildcard.STAR and isinstance(middle, str):
        return _infix_matcher(middle)
    return None


def _match_anything(text: str) -> bool:
    return True


def _prefix_matcher(prefix: str) -> Matcher:
    def match(text: str) -> bool:
        return text.startswith(prefix)

    return match


def _suffix_matcher(suffix: str) -> Matcher:
    def match(text: str) -> bool:
        return text.endswith(suffix)

    return match


def _infix_matcher(infix: str) -> Matcher:
    def match(text: str) -> bool:
        return infix in text

    return match
