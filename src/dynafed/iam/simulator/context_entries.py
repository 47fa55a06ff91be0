"""The simulator's `ContextEntries`: key, values and `ContextKeyType`, checked per type.

Values reach the policy engine as strings (it compares them per condition operator); here
they are only checked to be what their declared type says, as IAM checks them.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from dynafed.errors import InvalidInput


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _is_boolean(text: str) -> bool:
    return text.lower() in ("true", "false")


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return True


def _is_binary(text: str) -> bool:
    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _is_date(text: str) -> bool:
    if _is_number(text):  # epoch seconds are a date too (Date condition operators page)
        return True
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


_CHECKS: dict[str, Callable[[str], bool]] = {
    "string": lambda _: True,
    "numeric": _is_number,
    "boolean": _is_boolean,
    "ip": _is_ip,
    "binary": _is_binary,
    "date": _is_date,
}


def _check_values(name: str, type_name: str, values: list[str]) -> None:
    base = type_name.removesuffix("List")
    if type_name == base and len(values) > 1:
        raise InvalidInput(
            f"Context key {name} is of type {type_name} and cannot take more than one value."
        )
    for value in values:
        if not _CHECKS[base](value):
            raise InvalidInput(f"Value {value} for context key {name} is not a valid {base}.")


def context_from_entries(entries: Sequence[dict[str, Any]] | None) -> dict[str, list[str]]:
    """Key name → values; a key given twice keeps all its values."""
    context: dict[str, list[str]] = {}
    for entry in entries or []:
        name = entry["ContextKeyName"]
        if name is None:
            continue
        values = list(entry["ContextKeyValues"] or [])
        _check_values(name, entry["ContextKeyType"] or "string", values)
        context.setdefault(name, []).extend(values)
    return context
