"""One lexer for every expression kind.

Keywords (AND, OR, NOT, BETWEEN, IN, SET, REMOVE, ADD, DELETE) are tokens of their own in
every kind, as in DynamoDB's single grammar: `SET a = set` is a syntax error, not a
reserved-word error. A character no rule accepts becomes a one-character `UNKNOWN` token so
the parser reports it the way DynamoDB does (`token: "*"`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class T(Enum):
    NAME = "name"  # identifier
    NAME_REF = "#name"  # expression attribute name placeholder
    VALUE_REF = ":value"  # expression attribute value placeholder
    NUMBER = "number"  # digits; only valid inside [ ]
    KEYWORD = "keyword"
    SYMBOL = "symbol"  # = <> < <= > >= ( ) [ ] , . + -
    UNKNOWN = "unknown"
    EOF = "<EOF>"


KEYWORDS = frozenset({"AND", "OR", "NOT", "BETWEEN", "IN", "SET", "REMOVE", "ADD", "DELETE"})


@dataclass(frozen=True, slots=True)
class Token:
    kind: T
    text: str
    start: int
    end: int

    def is_keyword(self, word: str) -> bool:
        return self.kind is T.KEYWORD and self.text.upper() == word

    def is_symbol(self, symbol: str) -> bool:
        return self.kind is T.SYMBOL and self.text == symbol


_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\r\n]+)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<name_ref>\#[A-Za-z0-9_]+)
  | (?P<value_ref>:[A-Za-z0-9_]+)
  | (?P<number>[0-9]+)
  | (?P<symbol><>|<=|>=|[=<>()\[\],.+-])
  | (?P<unknown>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_KINDS = {
    "name": T.NAME,
    "name_ref": T.NAME_REF,
    "value_ref": T.VALUE_REF,
    "number": T.NUMBER,
    "symbol": T.SYMBOL,
    "unknown": T.UNKNOWN,
}


def tokenize(text: str) -> list[Token]:
    """Tokens of `text` without whitespace, ending with an EOF token."""
    tokens: list[Token] = []
    for match in _TOKEN.finditer(text):
        group = match.lastgroup
        assert group is not None
        if group == "ws":
            continue
        kind = _KINDS[group]
        if kind is T.NAME and match.group().upper() in KEYWORDS:
            kind = T.KEYWORD
        tokens.append(Token(kind, match.group(), match.start(), match.end()))
    tokens.append(Token(T.EOF, "", len(text), len(text)))
    return tokens


def near(text: str, tokens: list[Token], index: int) -> str:
    """DynamoDB's `near` text for a syntax error at `tokens[index]`: the previous token,
    the offending one and the next one, with the whitespace between them."""
    start = tokens[index - 1].start if index > 0 else 0
    current = tokens[index]
    if current.kind is T.EOF:
        return text[start:]
    end = tokens[index + 1].end if index + 1 < len(tokens) else current.end
    return text[start:end]
