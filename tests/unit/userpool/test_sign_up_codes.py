"""Sign-up confirmation codes in process (a clock moved by hand): expiry after 24 hours, a
code used up by wrong guesses, the outbox; and the password policy's wording."""

from __future__ import annotations

from typing import Any

import pytest
from tests.unit.userpool.pool_harness import POOL_ID
from tests.unit.userpool.test_api import Api

from dynafed.errors import AwsError
from dynafed.userpool import codes
from dynafed.userpool.api.context import Call
from dynafed.userpool.password_policy import PasswordPolicy
from dynafed.userpool.provider import NOT_CONFIRMED

APP = Call("us-east-1", client_ip="192.0.2.9")


def refusal(call: Any) -> AwsError:
    with pytest.raises(AwsError) as raised:
        call()
    return raised.value


def sign_up(api: Api, username: str) -> str:
    api("SignUp", APP, ClientId=api.client_id, Username=username, Password="password-1")
    with api.pool.storage.read() as view:
        return codes.outbox(view, POOL_ID)[-1].code


def confirm(api: Api, username: str, code: str) -> dict[str, Any]:
    return api(
        "ConfirmSignUp", APP, ClientId=api.client_id, Username=username, ConfirmationCode=code
    )


def other_than(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_a_code_expires_after_24_hours() -> None:
    api = Api()
    code = sign_up(api, "tess")
    api.pool.clock.advance(24 * 3600 + 1)
    assert refusal(lambda: confirm(api, "tess", code)).code == "ExpiredCodeException"
    api("ResendConfirmationCode", APP, ClientId=api.client_id, Username="tess")
    with api.pool.storage.read() as view:
        fresh = codes.outbox(view, POOL_ID)[-1]
    assert (fresh.username, fresh.purpose) == ("tess", "SignUp")
    assert confirm(api, "tess", fresh.code) == {}


def test_wrong_guesses_use_a_code_up() -> None:
    api = Api()
    code = sign_up(api, "ugo")
    for _ in range(codes.MAX_WRONG):
        assert refusal(lambda: confirm(api, "ugo", other_than(code))).code == (
            "CodeMismatchException"
        )
    used_up = refusal(lambda: confirm(api, "ugo", code))
    assert (used_up.code, used_up.message) == (
        "LimitExceededException",
        "Attempt limit exceeded, please try after some time.",
    )


def test_an_address_out_of_wrong_guesses_is_refused_before_any_check() -> None:
    api = Api()
    code = sign_up(api, "vera")
    budget = int(api.service._context.check.throttle.per_address.capacity)
    for n in range(budget):
        name = f"nobody{n}"  # unknown users: each a mismatch, each spending the budget
        assert refusal(lambda name=name: confirm(api, name, code)).code == ("CodeMismatchException")
    assert refusal(lambda: confirm(api, "vera", code)).code == "LimitExceededException"


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("Ab1!", "Password not long enough"),
        ("ABCDEFGH1!", "Password must have lowercase characters"),
        ("abcdefgh1!", "Password must have uppercase characters"),
        ("Abcdefgh!!", "Password must have numeric characters"),
        ("Abcdefgh12", "Password must have symbol characters"),
        ("Abcdefg 12", None),
    ],
)
def test_password_policy_wording(password: str, problem: str | None) -> None:
    strict = PasswordPolicy(8, True, True, True, True)
    assert strict.violation(password) == problem


def test_the_hosted_ui_refuses_an_unconfirmed_user_until_confirmed() -> None:
    api = Api()
    code = sign_up(api, "wes")
    page = api.pool.sign_in("wes", "password-1")
    assert page.status == 400 and NOT_CONFIRMED.encode() in page.body
    confirm(api, "wes", code)
    assert api.pool.sign_in("wes", "password-1").status == 302
