"""Policy variables: `${key}`, `${key, 'default'}` and the escapes `${*}` `${?}` `${$}`.

Rules (IAM "Variables and tags" page; iam-fgac.md section 4):
- Only `Version: 2012-10-17` documents substitute; in older or unversioned documents
  `${...}` is literal text (the parser then never builds a template with variables).
- Key names are case-insensitive; the default is single-quoted and may contain spaces,
  the key may not.
- A key that is absent (or holds no single value) uses the default; with no default the
  variable has *no value*, and the text it sits in matches nothing. It is never compared as
  the literal text `${key}` (PMapper and MinIO did; iam-fgac.md section 9).
- Substituted text is literal: in a `Like` operator or a `Resource` a value containing
  `*` does not become a wildcard. Substitution is single pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from dynafed.core.wildcard import Piece
from dynafed.errors import MalformedPolicyDocument
from dynafed.policy import messages

ContextValues = Mapping[str, Sequence[str]]
"""Condition context: lower-cased key name → values (absent keys are missing)."""

_ESCAPES = {"*": "*", "?": "?", "$": "$"}


@dataclass(frozen=True, slots=True)
class Variable:
    key: str
    """Lower-cased key name, ready for context lookup."""
    written: str
    """The key as the policy spells it."""
    default: str | None = None

    def resolve(self, context: ContextValues) -> str | None:
        values = context.get(self.key)
        # Multivalued keys cannot be variables (Variables page); treat them as no value.
        if values is not None and len(values) == 1:
            return values[0]
        return self.default


@dataclass(frozen=True, slots=True)
class Escaped:
    """`${*}`, `${?}` or `${$}`: one literal character."""

    char: str


Part = str | Variable | Escaped
"""Policy text (a pattern where wildcards apply), a variable, or an escaped character."""


@dataclass(frozen=True, slots=True)
class Template:
    parts: tuple[Part, ...]
    sole_variable: Variable | None = field(init=False, repr=False, compare=False)
    """Set when the whole text is one variable (the common `${provider:sub}`): fast path."""

    def __post_init__(self) -> None:
        sole = self.parts[0] if len(self.parts) == 1 else None
        object.__setattr__(self, "sole_variable", sole if isinstance(sole, Variable) else None)

    @property
    def variables(self) -> tuple[Variable, ...]:
        return tuple(p for p in self.parts if isinstance(p, Variable))

    @property
    def is_constant(self) -> bool:
        return not any(isinstance(p, Variable) for p in self.parts)

    def pieces(self, context: ContextValues) -> list[Piece] | None:
        """Wildcard pieces after substitution, or None if a variable has no value."""
        pieces: list[Piece] = []
        for part in self.parts:
            if isinstance(part, str):
                pieces.append((part, False))
            elif isinstance(part, Escaped):
                pieces.append((part.char, True))
            else:
                value = part.resolve(context)
                if value is None:
                    return None
                pieces.append((value, True))
        return pieces

    def text(self, context: ContextValues) -> str | None:
        """The substituted text, or None if a variable has no value."""
        if self.sole_variable is not None:
            return self.sole_variable.resolve(context)
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
            elif isinstance(part, Escaped):
                out.append(part.char)
            else:
                value = part.resolve(context)
                if value is None:
                    return None
                out.append(value)
        return "".join(out)


def literal_template(text: str) -> Template:
    return Template((text,))


def parse_template(text: str, *, shown: str | None = None) -> Template:
    """Parse variables out of `text`; raise MalformedPolicyDocument on bad variable syntax.
    `shown` is the element value error messages quote (default: `text`)."""
    if "${" not in text:
        return literal_template(text)
    try:
        return _parse_parts(text)
    except MalformedPolicyDocument as error:
        if shown is None:
            raise
        problem = error.message.rsplit(": ", 1)[0]
        raise _error(problem, shown) from None


def _parse_parts(text: str) -> Template:
    parts: list[Part] = []
    position = 0
    while True:
        start = text.find("${", position)
        if start < 0:
            break
        if start > position:
            parts.append(text[position:start])
        part, position = _parse_variable(text, start + 2)
        parts.append(part)
    if position < len(text):
        parts.append(text[position:])
    return Template(tuple(parts))


def _parse_variable(text: str, index: int) -> tuple[Part, int]:
    """Parse from just after `${`; return the part and the index after its `}`."""
    close = text.find("}", index)
    comma = text.find(",", index)
    if close < 0:
        raise _error("Missing brace in variable", text)
    if 0 <= comma < close:
        return _parse_with_default(text, index, comma)
    body = text[index:close]
    if body in _ESCAPES:
        return Escaped(_ESCAPES[body]), close + 1
    return _variable(body, None, text), close + 1


def _parse_with_default(text: str, index: int, comma: int) -> tuple[Part, int]:
    key = text[index:comma]
    cursor = comma + 1
    while cursor < len(text) and text[cursor] == " ":
        cursor += 1
    if cursor >= len(text) or text[cursor] != "'":
        raise _error("Missing quote in variable", text)
    end_quote = text.find("'", cursor + 1)
    if end_quote < 0:
        raise _error("Missing quote in variable", text)
    default = text[cursor + 1 : end_quote]
    cursor = end_quote + 1
    while cursor < len(text) and text[cursor] == " ":
        cursor += 1
    if cursor >= len(text) or text[cursor] != "}":
        raise _error("Missing brace in variable", text)
    return _variable(key, default, text), cursor + 1


def _variable(key: str, default: str | None, text: str) -> Variable:
    if key == "":
        raise _error("Empty variable", text)
    if any(char.isspace() for char in key):
        raise _error("Unsupported space in variable", text)
    return Variable(key=key.lower(), written=key, default=default)


def _error(problem: str, text: str) -> MalformedPolicyDocument:
    return MalformedPolicyDocument(messages.variable_error(problem, text))
