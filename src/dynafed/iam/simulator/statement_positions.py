"""Where each statement of a policy document sits in its text, as the simulator reports it.

`MatchedStatements` carry a `StartPosition` and `EndPosition` (line, column). AWS's own
example (AWS CLI `simulate-custom-policy` reference, a one-line 167-character policy whose
statement object spans characters 37..166) reports columns 38 and 167: both positions
are the 1-based column just after the statement's opening `{` and just after its closing
`}`. Lines are 1-based.

The text has already been validated as a policy, so this scanner assumes valid JSON.
"""

from __future__ import annotations

from dataclasses import dataclass

_WHITESPACE = " \t\r\n"


@dataclass(frozen=True, slots=True)
class Position:
    line: int
    column: int


def _skip_whitespace(text: str, i: int) -> int:
    while i < len(text) and text[i] in _WHITESPACE:
        i += 1
    return i


def _string_end(text: str, i: int) -> int:
    """Index just past the string literal starting at `text[i] == '"'`."""
    i += 1
    while text[i] != '"':
        i += 2 if text[i] == "\\" else 1
    return i + 1


def _value_end(text: str, i: int) -> int:
    """Index just past the JSON value starting at `i` (no leading white space)."""
    opener = text[i]
    if opener == '"':
        return _string_end(text, i)
    if opener not in "{[":
        while i < len(text) and text[i] not in ",}]" + _WHITESPACE:
            i += 1
        return i
    depth = 0
    while True:
        char = text[i]
        if char == '"':
            i = _string_end(text, i)
            continue
        if char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1


def _statement_offsets(text: str) -> list[tuple[int, int]]:
    """(offset of `{`, offset of `}`) of each statement object, in document order."""
    i = _skip_whitespace(text, 0) + 1  # inside the top-level object
    while True:
        i = _skip_whitespace(text, i)
        if text[i] == "}":
            return []
        key_end = _string_end(text, i)
        key = text[i + 1 : key_end - 1]
        i = _skip_whitespace(text, _skip_whitespace(text, key_end) + 1)  # past ':'
        end = _value_end(text, i)
        if key == "Statement":
            return _objects_in(text, i, end)
        i = _skip_whitespace(text, end)
        if text[i] == ",":
            i += 1


def _objects_in(text: str, start: int, end: int) -> list[tuple[int, int]]:
    if text[start] == "{":
        return [(start, end - 1)]
    spans = []
    i = _skip_whitespace(text, start + 1)
    while text[i] != "]":
        value_end = _value_end(text, i)
        if text[i] == "{":
            spans.append((i, value_end - 1))
        i = _skip_whitespace(text, value_end)
        if text[i] == ",":
            i = _skip_whitespace(text, i + 1)
    return spans


def _position_after(text: str, offset: int) -> Position:
    line = text.count("\n", 0, offset) + 1
    line_start = text.rfind("\n", 0, offset) + 1
    return Position(line, offset - line_start + 2)


def statement_positions(text: str) -> list[tuple[Position, Position]]:
    """Start and end position of every statement, indexed like the `Statement` list."""
    return [
        (_position_after(text, start), _position_after(text, end))
        for start, end in _statement_offsets(text)
    ]
