"""Strict JSON reading for policy documents.

- A repeated key in any object is an error: IAM's grammar forbids it, and a parser that
  keeps the last value would silently drop a `Deny` or a condition block.
- Numbers keep their source text (`JsonNumber`): condition values are compared through
  their text form (`10` is `"10"`, grammar page: quotes are optional for numbers).
- `NaN`/`Infinity` are not JSON and are rejected.

Text that is not JSON gets a different message from each API (see `messages`): IAM's
CreatePolicy and PutRolePolicy say "Syntax errors in policy.", CreateRole and
UpdateAssumeRolePolicy "This policy contains invalid Json", and STS "The policy is not in
the valid JSON format." unless the text opens like a JSON object.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from dynafed.errors import MalformedPolicyDocument
from dynafed.policy import messages
from dynafed.policy.kinds import PolicyKind

_ALLOWED_CHARACTERS = re.compile(r"[\t\n\r\x20-\xff]*")


@dataclass(frozen=True, slots=True)
class JsonNumber:
    """A JSON number, kept as the text the document spells it with."""

    text: str


class _DuplicateKey(ValueError):
    pass


def has_only_allowed_characters(text: str) -> bool:
    """TAB, LF, CR and U+0020-U+00FF only (IAM quotas page). The IAM/STS APIs check this as a
    parameter constraint (ValidationError) before a document reaches the parser."""
    return _ALLOWED_CHARACTERS.fullmatch(text) is not None


def load_document(text: str, kind: PolicyKind) -> dict[str, Any]:
    """Parse a policy document into plain JSON values; raise MalformedPolicyDocument with
    the message the API that stores a `kind` document gives."""
    if not has_only_allowed_characters(text):
        raise MalformedPolicyDocument(messages.INVALID_CHARACTERS)
    try:
        document = json.loads(
            text,
            object_pairs_hook=_object_without_duplicates,
            parse_int=JsonNumber,
            parse_float=JsonNumber,
            parse_constant=_reject_constant,
        )
    except _DuplicateKey as error:
        # Valid JSON, but the grammar forbids it: a structure error, not a JSON one.
        detail = f'the key "{error}" appears twice in one object'
        raise MalformedPolicyDocument(messages.SYNTAX_ERRORS, detail) from error
    except json.JSONDecodeError as error:
        detail = f"line {error.lineno}, column {error.colno}: {error.msg}"
        raise MalformedPolicyDocument(_not_json_message(text, kind), detail) from error
    except (ValueError, RecursionError) as error:
        raise MalformedPolicyDocument(_not_json_message(text, kind), str(error)) from error
    if not isinstance(document, dict):
        raise MalformedPolicyDocument(_not_an_object_message(text, kind))
    return document


def _not_json_message(text: str, kind: PolicyKind) -> str:
    if kind is PolicyKind.TRUST:
        return messages.TRUST_INVALID_JSON
    return _not_an_object_message(text, kind)


def _not_an_object_message(text: str, kind: PolicyKind) -> str:
    # STS tells text that cannot be a JSON object from an object it cannot read:
    # `}` gets the JSON-format message, `{'json': ...` a syntax error (apache/hadoop tests).
    if kind is PolicyKind.SESSION and not text.lstrip().startswith("{"):
        return messages.SESSION_NOT_JSON
    return messages.SYNTAX_ERRORS


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
