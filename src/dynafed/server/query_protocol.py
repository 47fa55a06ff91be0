"""The AWS Query protocol's wire format (STS, IAM): form parameters in, XML out. Pure.

Requests are `application/x-www-form-urlencoded` bodies with flattened parameter names,
which services read with `dynafed.core.validation.query_input`.

Responses are `<{Action}Response>` documents holding `<{Action}Result>` and
`<ResponseMetadata><RequestId>`; errors are `<ErrorResponse>` documents. Both follow the
shapes in AWS's Query API reference ("Making Query requests", STS/IAM API references).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from dynafed.core.query_results import XmlMap
from dynafed.errors import MalformedQueryString

_XML_TEXT_ENTITIES = {"\r": "&#13;"}


def parse_form(body: bytes) -> dict[str, str]:
    """Decode a form body; a parameter given twice is an error (AWS reads only one)."""
    if not body:
        return {}
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise MalformedQueryString("The request body is not valid UTF-8.") from error
    params: dict[str, str] = {}
    for name, value in parse_qsl(text, keep_blank_values=True):
        if name in params:
            raise MalformedQueryString(f"The parameter {name} is given more than once.")
        params[name] = value
    return params


def format_timestamp(moment: datetime | float) -> str:
    """ISO-8601 in UTC with a `Z`, to the second, as IAM and STS print dates."""
    if not isinstance(moment, datetime):
        moment = datetime.fromtimestamp(moment, UTC)
    elif moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_NOT_XML_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot carry at all, not even as references (its `Char` production)."""


def _text(value: str) -> str:
    """Escaped text; a character XML cannot carry becomes U+FFFD, so an answer is always a
    document SDKs can parse (inputs that could bring such characters are refused earlier)."""
    return escape(_NOT_XML_CHARACTERS.sub("\ufffd", value), _XML_TEXT_ENTITIES)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return _text(value)
    raise TypeError(f"cannot render {type(value).__name__} in a Query-protocol response")


def _render_value(value: Any, out: list[str]) -> None:
    if isinstance(value, XmlMap):
        for key, item in value.items():
            out.append(f"<entry><key>{_text(key)}</key><value>")
            _render_value(item, out)
            out.append("</value></entry>")
    elif isinstance(value, dict):
        _render_members(value, out)
    elif isinstance(value, list | tuple):
        for item in value:
            out.append("<member>")
            _render_value(item, out)
            out.append("</member>")
    else:
        out.append(_scalar(value))


def _render_members(members: Mapping[str, Any], out: list[str]) -> None:
    for name, value in members.items():
        if value is None:
            continue
        out.append(f"<{name}>")
        _render_value(value, out)
        out.append(f"</{name}>")


def render_result(action: str, result: Mapping[str, Any], xmlns: str, request_id: str) -> bytes:
    """`<{Action}Response>`: nested dicts become elements, lists `<member>` children, an
    `XmlMap` `<entry>` children; `None` members are left out. The `<{Action}Result>`
    element is always there, even empty: SDKs require it for actions whose output is an
    empty structure (botocore fails on an UpdateRole answer without it), and ignore it
    for actions without output (DeleteRole)."""
    out = [f'<{action}Response xmlns="{_text(xmlns)}">', f"<{action}Result>"]
    _render_members(result, out)
    out.append(f"</{action}Result>")
    out.append(f"<ResponseMetadata><RequestId>{_text(request_id)}</RequestId></ResponseMetadata>")
    out.append(f"</{action}Response>")
    return "".join(out).encode("utf-8")


def render_error(code: str, message: str, fault: str, xmlns: str, request_id: str) -> bytes:
    """The Query protocol's `<ErrorResponse>` (sts-identity.md §1.1)."""
    return (
        f'<ErrorResponse xmlns="{_text(xmlns)}"><Error><Type>{_text(fault)}</Type>'
        f"<Code>{_text(code)}</Code><Message>{_text(message)}</Message></Error>"
        f"<RequestId>{_text(request_id)}</RequestId></ErrorResponse>"
    ).encode()
