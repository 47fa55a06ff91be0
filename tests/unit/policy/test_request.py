"""Request construction and the per-(action, resource) statement cache."""

from __future__ import annotations

from tests.unit.policy.support import allow, document, identity_set

from dynafed.policy import Request, evaluate, normalize_context
from dynafed.policy.candidates import CACHE_LIMIT


def test_context_keys_are_lower_cased_and_values_become_tuples() -> None:
    request = Request("S3:GetObject", "*", {"AWS:UserId": "a", "dynamodb:Attributes": ["x", "y"]})
    assert request.context == {"aws:userid": ("a",), "dynamodb:attributes": ("x", "y")}
    assert request.action_lower == "s3:getobject"


def test_spellings_of_one_key_are_merged() -> None:
    assert normalize_context({"k:A": "1", "K:a": ["2", "3"]}) == {"k:a": ("1", "2", "3")}


def test_prepared_request_skips_normalization() -> None:
    policies = identity_set(document(allow(Condition={"StringEquals": {"k:a": "1"}})))
    context = normalize_context({"K:A": "1"})
    assert evaluate(policies, Request.prepared("s3:GetObject", "*", context)).allowed


def test_cached_statements_still_check_resources_with_variables_per_request() -> None:
    policies = identity_set(document(allow("s3:GetObject", "arn:aws:s3:::b/${aws:userid}")))
    resource = "arn:aws:s3:::b/alice"
    assert evaluate(policies, Request("s3:GetObject", resource, {"aws:userid": "alice"})).allowed
    assert not evaluate(policies, Request("s3:GetObject", resource, {"aws:userid": "bob"})).allowed
    assert evaluate(policies, Request("s3:GetObject", resource, {"aws:userid": "alice"})).allowed


def test_decisions_stay_right_past_the_cache_limit() -> None:
    policies = identity_set(document(allow("s3:GetObject", "arn:aws:s3:::b/even/*")))
    for i in range(CACHE_LIMIT + 10):
        folder = "even" if i % 2 == 0 else "odd"
        request = Request("s3:GetObject", f"arn:aws:s3:::b/{folder}/{i}")
        assert evaluate(policies, request).allowed is (folder == "even")
    assert len(policies.candidate_cache) <= CACHE_LIMIT
