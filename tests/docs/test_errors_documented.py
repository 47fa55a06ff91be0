"""docs/reference/errors.md lists every error code dynafed can send, under its API, with the
HTTP status the code sends it with; and no code that dynafed never names.

The codes come from the typed errors (`dynafed.errors` and any subclass defined elsewhere),
the Query protocol's names for authentication failures, and the OAuth error codes the
user-pool endpoints raise (found by scanning `userpool/` for `OAuthError("<code>", …)`).
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

import dynafed.server.compose  # noqa: F401  (imports every module that may define an error)
import dynafed.server.query_endpoint as query_endpoint
from dynafed.errors import AwsError, CognitoIdentityError, DynamoDBError, QueryError
from tests.docs.markdown import chapters, code_spans, read, table_rows

USERPOOL = Path(__file__).resolve().parents[2] / "src" / "dynafed" / "userpool"
FAMILIES: dict[type[AwsError], str] = {
    DynamoDBError: "DynamoDB",
    QueryError: "STS and IAM",
    CognitoIdentityError: "Cognito Identity",
}


def _subclasses(cls: type[AwsError]) -> list[type[AwsError]]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def class_codes() -> dict[str, dict[str, int]]:
    """API chapter → code → HTTP status, for every error class that names its own code."""
    codes: dict[str, dict[str, int]] = {title: {} for title in FAMILIES.values()}
    for family, title in FAMILIES.items():
        for cls in _subclasses(family):
            if "code" in vars(cls):  # subclasses that keep their parent's code add nothing
                codes[title][cls.code] = cls.status
    return codes


@cache
def sent_codes() -> dict[str, dict[str, int]]:
    codes = class_codes()
    # SigV4 failures are raised once, with DynamoDB's codes; the Query APIs rename them.
    for code, status in query_endpoint._AUTH_CODES.values():
        codes["STS and IAM"][code] = status
    codes["STS and IAM"]["RequestEntityTooLarge"] = 413  # query_endpoint.render_too_large
    codes["User-pool OAuth 2.0 endpoints"] = oauth_codes()
    return codes


def oauth_codes() -> dict[str, int]:
    codes = {}
    for path in USERPOOL.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "OAuthError"):
                continue
            code = node.args[0]
            status = node.args[2] if len(node.args) > 2 else None
            if isinstance(code, ast.Constant) and isinstance(code.value, str):
                codes[code.value] = status.value if isinstance(status, ast.Constant) else 400
    return codes


@cache
def documented() -> dict[str, dict[str, str]]:
    """Chapter → code → its HTTP cell."""
    found: dict[str, dict[str, str]] = {}
    for title, body in chapters(read("errors.md")).items():
        found[title] = {}
        for row in table_rows(body):
            spans = code_spans(row[0])
            if spans and len(row) == 3:
                found[title][spans[0]] = row[1]
    return found


@pytest.mark.parametrize("api", list(sent_codes()))
def test_every_code_is_documented_with_its_status(api: str) -> None:
    table = documented().get(api, {})
    for code, status in sent_codes()[api].items():
        assert code in table, f"{api}: {code} is not in errors.md"
        assert table[code] == str(status), f"{api}: {code} is sent with HTTP {status}"


@pytest.mark.parametrize("api", list(sent_codes()))
def test_no_documented_code_is_unknown_to_the_code(api: str) -> None:
    unknown = sorted(set(documented().get(api, {})) - set(sent_codes()[api]))
    assert not unknown, f"errors.md lists {api} codes dynafed never sends: {unknown}"


def test_the_page_has_a_chapter_per_api_and_no_other() -> None:
    assert set(documented()) == set(sent_codes())


def test_the_discovery_finds_codes_of_each_kind() -> None:
    codes = sent_codes()
    assert codes["DynamoDB"]["MissingAuthenticationTokenException"] == 403
    assert codes["STS and IAM"]["InvalidClientTokenId"] == 403
    assert codes["Cognito Identity"]["InternalErrorException"] == 500
    assert codes["User-pool OAuth 2.0 endpoints"]["invalid_client"] == 401
