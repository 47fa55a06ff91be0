"""Session tags and source identity from the token, and the context keys it yields.

Limits from https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html
(≤50 tags, key ≤128, value ≤256, single-valued, `aws:` reserved) and
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html
(source identity 2-64 chars of [\\w+=,.@-]).
"""

from __future__ import annotations

from typing import Any

import pytest

from dynafed.errors import InvalidIdentityToken
from dynafed.identity.verified import (
    SOURCE_IDENTITY_CLAIM,
    TAGS_CLAIM,
    SessionTags,
    session_context_keys,
    session_tags,
    source_identity,
    trust_context_keys,
)


def tags_claim(principal: Any, transitive: Any = None) -> dict[str, Any]:
    claim: dict[str, Any] = {"principal_tags": principal}
    if transitive is not None:
        claim["transitive_tag_keys"] = transitive
    return {TAGS_CLAIM: claim}


def test_no_claim_means_no_tags() -> None:
    assert session_tags({"sub": "x"}) is None


def test_documented_shape() -> None:
    claims = tags_claim({"Project": ["Automation"], "CostCenter": ["12345"]}, ["Project"])
    assert session_tags(claims) == SessionTags(
        {"Project": "Automation", "CostCenter": "12345"}, ("Project",)
    )


def test_limits_at_the_boundary_are_accepted() -> None:
    principal = {f"k{i:02d}": ["v"] for i in range(49)}
    principal["K" * 128] = ["v" * 256]
    tags = session_tags(tags_claim(principal))
    assert tags is not None and len(tags.principal_tags) == 50


def test_unicode_letters_spaces_and_allowed_punctuation() -> None:
    tags = session_tags(tags_claim({"Équipe bleue_.:/=+-@": ["été 2025"]}))
    assert tags is not None and tags.principal_tags == {"Équipe bleue_.:/=+-@": "été 2025"}


def test_empty_value_is_allowed() -> None:
    tags = session_tags(tags_claim({"Flag": [""]}))
    assert tags is not None and tags.principal_tags == {"Flag": ""}


@pytest.mark.parametrize(
    "principal",
    [
        {f"k{i}": ["v"] for i in range(51)},
        {"K" * 129: ["v"]},
        {"Key": ["v" * 257]},
        {"": ["v"]},
        {"Key": ["a", "b"]},
        {"Key": []},
        {"Key": "bare-string"},
        {"Key": [1]},
        {"aws:Project": ["x"]},
        {"AWS:project": ["x"]},
        {"Key!": ["v"]},
        {"Key": ["line\nbreak"]},
        {"Team": ["a"], "team": ["b"]},
        ["Project"],
    ],
)
def test_invalid_tags_are_rejected(principal: Any) -> None:
    with pytest.raises(InvalidIdentityToken) as raised:
        session_tags(tags_claim(principal))
    assert raised.value.message.startswith("The session tags in the web identity token are invalid")


@pytest.mark.parametrize("transitive", [["Missing"], "Project", [1]])
def test_transitive_keys_must_name_principal_tags(transitive: Any) -> None:
    with pytest.raises(InvalidIdentityToken):
        session_tags(tags_claim({"Project": ["x"]}, transitive))


def test_transitive_keys_match_case_insensitively() -> None:
    tags = session_tags(tags_claim({"Project": ["x"]}, ["project"]))
    assert tags is not None and tags.transitive_tag_keys == ("project",)


def test_claim_must_be_an_object() -> None:
    with pytest.raises(InvalidIdentityToken):
        session_tags({TAGS_CLAIM: "Project=x"})


@pytest.mark.parametrize("value", ["ab", "alice@example.com", "a" * 64, "x+y=z,w.v-u_t"])
def test_valid_source_identity(value: str) -> None:
    assert source_identity({SOURCE_IDENTITY_CLAIM: value}) == value


@pytest.mark.parametrize("value", ["a", "a" * 65, "aws:admin", "has space", 7, ["ab"]])
def test_invalid_source_identity(value: Any) -> None:
    with pytest.raises(InvalidIdentityToken):
        source_identity({SOURCE_IDENTITY_CLAIM: value})


def test_absent_source_identity() -> None:
    assert source_identity({}) is None


def test_trust_keys_and_the_subset_sessions_keep() -> None:
    claims = {"sub": "u1", "aud": ["c1", "c2"], "azp": "c1", "amr": "pwd", "email": "e@x"}
    tags = SessionTags({"Team": "blue"})
    trust = trust_context_keys("idp.test", claims, "c1", "arn:p", tags, "alice")
    assert trust == {
        "idp.test:sub": ["u1"],
        "idp.test:aud": ["c1"],
        "idp.test:oaud": ["c1", "c2"],
        "idp.test:azp": ["c1"],
        "idp.test:amr": ["pwd"],
        "aws:FederatedProvider": ["arn:p"],
        "aws:RequestTag/Team": ["blue"],
        "aws:TagKeys": ["Team"],
        "sts:SourceIdentity": ["alice"],
    }
    assert session_context_keys("idp.test", trust) == {
        "idp.test:sub": ["u1"],
        "idp.test:aud": ["c1"],
        "idp.test:amr": ["pwd"],
        "aws:FederatedProvider": ["arn:p"],
    }
