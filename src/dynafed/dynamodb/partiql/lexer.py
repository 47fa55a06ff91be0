"""The PartiQL lexer: DynamoDB's subset of PartiQL's tokens.

Identifiers are bare (`Wins`) or double-quoted (`"GameScores"`, `""` escapes a quote);
strings are single-quoted (`''` escapes a quote); numbers are decimal with an optional
exponent; `?` is a positional parameter; `<<` and `>>` open and close a set. Keywords are
case-insensitive; identifiers keep their case (AWS: "PartiQL select statements for
DynamoDB", "PartiQL data types for DynamoDB").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class T(Enum):
    NAME = "identifier"
    QUOTED = "quoted identifier"
    STRING = "string"
    NUMBER = "number"
    PARAMETER = "?"
    KEYWORD = "keyword"
    SYMBOL = "symbol"
    UNKNOWN = "unknown"
    EOF = "end of statement"


KEYWORDS = frozenset(
    {
        "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "BETWEEN", "IN", "IS", "MISSING",
        "NULL", "TRUE", "FALSE", "INSERT", "INTO", "VALUE", "UPDATE", "SET", "REMOVE",
        "DELETE", "RETURNING", "ALL", "OLD", "NEW", "MODIFIED", "ORDER", "BY", "ASC", "DESC",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Token:
    kind: T
    text: str
    """The token's value: keywords upper-cased, quoted text unescaped."""
    start: int

    def is_keyword(self, *words: str) -> bool:
        return self.kind is T.KEYWORD and self.text in words

    def is_symbol(self, symbol: str) -> bool:
        return self.kind is T.SYMBOL and self.text == symbol


_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<quoted>"(?:[^"]|"")*")
  | (?P<string>'(?:[^']|'')*')
  | (?P<number>(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_$]*)
  | (?P<parameter>\?)
  | (?P<symbol><<|>>|<>|!=|<=|>=|[=<>()\[\]{},.:*+-])
  | (?P<unknown>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def tokenize(text: str) -> list[Token]:
    """Tokens of `text` without whitespace, ending with an EOF token."""
    tokens: list[Token] = []
    for match in _TOKEN.finditer(text):
        group, value = match.lastgroup, match.group()
        if group == "ws":
            continue
        if group == "quoted":
            tokens.append(Token(T.QUOTED, value[1:-1].replace('""', '"'), match.start()))
        elif group == "string":
            tokens.append(Token(T.STRING, value[1:-1].replace("''", "'"), match.start()))
        elif group == "name" and value.upper() in KEYWORDS:
            tokens.append(Token(T.KEYWORD, value.upper(), match.start()))
        else:
            assert group is not None
            tokens.append(Token(T(_KINDS[group]), value, match.start()))
    tokens.append(Token(T.EOF, "", len(text)))
    return tokens


_KINDS = {
    "number": "number",
    "name": "identifier",
    "parameter": "?",
    "symbol": "symbol",
    "unknown": "unknown",
}
