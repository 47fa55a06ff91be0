"""Requests prepared once per shape: what validation and compilation conclude about a request
that does not depend on the key values it carries.

A client sends the same request again and again with new key values: a game reads its
player's score with the same table, projection and placeholders each time. Such a request's
*shape* is all of it except the scalar values of its key member (`Key`): if a request of the
same shape passed validation before, every check that looked at the rest passes again, and
the parsed projection and the fine-grained keys that depend only on the rest are the same. So
an operation prepares a request once per shape (`PreparedRequests.get`) and checks the key
values of each request itself (`values.validate_item`, then the key against its table).

Only successes are kept: a request that fails is prepared from scratch each time and gets its
error in AWS's order. A shape is only recognised when every key value is one `S` or `N`
string; anything else (binary keys, malformed members, numbers in the other members that JSON
cannot round-trip exactly) is prepared from scratch, as it was before this cache existed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

import orjson

PreparedT = TypeVar("PreparedT")

SHAPES_PER_OPERATION = 512
"""Distinct shapes kept per operation; past it the cache starts over (a client cycling through
more shapes than this is rare, and then costs what every request cost without the cache)."""

_SCALAR_KEY_TYPES = ("S", "N")


def request_shape(body: dict[str, Any], key_member: str) -> bytes | None:
    """Everything in `body` but the values of `key_member`'s attributes, as bytes; None if
    the request is not one whose shape can be recognised (see the module's docstring)."""
    key = body.get(key_member)
    if type(key) is not dict:
        return None
    key_types: list[str] = []
    for name, value in key.items():
        if type(value) is not dict or len(value) != 1:
            return None
        for type_name, text in value.items():
            if type_name not in _SCALAR_KEY_TYPES or type(text) is not str:
                return None
            key_types += (name, type_name)
    rest = {member: value for member, value in body.items() if member != key_member}
    try:
        # orjson keeps 1, 1.0 and true apart and refuses what it cannot write exactly: two
        # requests with the same bytes validate the same.
        return orjson.dumps([rest, key_types])
    except TypeError:
        return None


class PreparedRequests(Generic[PreparedT]):
    """One operation's prepared requests by shape. `prepare` validates a whole request (its
    key values included, so errors keep AWS's order) and returns what the operation keeps;
    it raises for invalid input, and nothing is kept then."""

    def __init__(self, key_member: str, prepare: Callable[[dict[str, Any]], PreparedT]) -> None:
        self._key_member = key_member
        self._prepare = prepare
        self._by_shape: dict[bytes, PreparedT] = {}

    def get(self, body: dict[str, Any]) -> PreparedT:
        """`body` prepared: from the cache when a request of its shape passed before. The
        caller still validates `body`'s key values."""
        shape = request_shape(body, self._key_member)
        if shape is None:
            return self._prepare(body)
        prepared = self._by_shape.get(shape)
        if prepared is None:
            prepared = self._prepare(body)
            if len(self._by_shape) >= SHAPES_PER_OPERATION:
                self._by_shape.clear()
            self._by_shape[shape] = prepared
        return prepared
