"""Refresh tokens, the sign-in lockout and signing-key rotation, with a clock moved by hand."""

from __future__ import annotations

from tests.unit.userpool.pool_harness import POOL_ID, Pool, body, claims

from dynafed.userpool.signin import INCORRECT, LOCKED


def _refresh(pool: Pool, token: str) -> object:
    form = {
        "grant_type": "refresh_token",
        "refresh_token": token,
        "client_id": pool.public.client_id,
    }
    return pool.call("POST", "/oauth2/token", form=form)


def test_refresh_token_gives_new_id_and_access_tokens_of_the_same_sign_in() -> None:
    pool = Pool()
    first = body(pool.exchange(pool.code()))
    pool.clock.advance(600)
    again = body(_refresh(pool, first["refresh_token"]))
    assert set(again) == {"id_token", "access_token", "token_type", "expires_in"}
    old, new = claims(first["id_token"]), claims(again["id_token"])
    assert new["iat"] == old["iat"] + 600
    assert new["origin_jti"] == old["origin_jti"] and new["jti"] != old["jti"]
    assert new["auth_time"] == old["auth_time"]


def test_expired_refresh_token_is_refused() -> None:
    pool = Pool()
    first = body(pool.exchange(pool.code()))
    pool.clock.advance(30 * 86_400)
    answer = _refresh(pool, first["refresh_token"])
    assert body(answer) == {
        "error": "invalid_grant",
        "error_description": "Refresh Token has expired",
    }
    # Expired tokens are deleted: asking again finds no such token.
    again = body(_refresh(pool, first["refresh_token"]))
    assert again["error_description"] == "Invalid Refresh Token"


def test_refresh_token_of_another_client_is_refused() -> None:
    pool = Pool()
    first = body(pool.exchange(pool.code()))
    form = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    private = pool.private
    form.update(client_id=private.client.client_id, client_secret=private.secret or "")
    assert body(pool.call("POST", "/oauth2/token", form=form))["error"] == "invalid_grant"


def test_revoked_refresh_token_stops_working() -> None:
    pool = Pool()
    first = body(pool.exchange(pool.code()))
    revoke = pool.call(
        "POST",
        "/oauth2/revoke",
        form={"token": first["refresh_token"], "client_id": pool.public.client_id},
    )
    assert revoke.status == 200
    assert body(_refresh(pool, first["refresh_token"]))["error"] == "invalid_grant"


def test_deleted_user_cannot_refresh() -> None:
    pool = Pool()
    first = body(pool.exchange(pool.code()))
    pool.admin.delete_user(POOL_ID, "alice")
    assert body(_refresh(pool, first["refresh_token"]))["error"] == "invalid_grant"


def _error_of(answer: object) -> str:
    html = answer.body.decode()  # type: ignore[attr-defined]
    return html.split('id="error">', 1)[1].split("<", 1)[0]


def test_wrong_passwords_lock_the_user_even_for_the_right_password() -> None:
    pool = Pool()  # lockout: 3 failures, then 60 s doubling
    for _ in range(3):
        assert _error_of(pool.sign_in(password="wrong password")) == INCORRECT
    locked = pool.sign_in()
    assert locked.status == 400 and _error_of(locked) == LOCKED
    pool.clock.advance(61)
    assert pool.sign_in().status == 302


def test_lockout_doubles_with_each_further_failure() -> None:
    pool = Pool()
    for _ in range(3):
        pool.sign_in(password="wrong password")
    pool.clock.advance(61)
    assert _error_of(pool.sign_in(password="wrong again")) == INCORRECT  # 4th: 120 s
    pool.clock.advance(100)
    assert _error_of(pool.sign_in()) == LOCKED
    pool.clock.advance(21)
    assert pool.sign_in().status == 302


def test_success_resets_the_failure_count() -> None:
    pool = Pool()
    for _ in range(2):
        pool.sign_in(password="wrong password")
    assert pool.sign_in().status == 302
    for _ in range(2):
        pool.sign_in(password="wrong password")
    assert pool.sign_in().status == 302


def test_unknown_user_gets_the_same_message_as_a_wrong_password() -> None:
    pool = Pool()
    assert _error_of(pool.sign_in(username="mallory")) == INCORRECT


def test_set_password_lifts_the_lockout() -> None:
    pool = Pool()
    for _ in range(3):
        pool.sign_in(password="wrong password")
    pool.admin.set_password(POOL_ID, "alice", "battery staple")
    assert pool.sign_in(password="battery staple").status == 302


def test_keys_rotate_by_age_and_the_old_key_stays_published() -> None:
    pool = Pool()
    before = body(pool.exchange(pool.code()))
    old_kid = claims_header(before["id_token"])["kid"]
    pool.clock.advance(31 * 86_400)
    after = body(pool.exchange(pool.code()))
    new_kid = claims_header(after["id_token"])["kid"]
    assert new_kid != old_kid
    kids = [k["kid"] for k in body(pool.call("GET", "/.well-known/jwks.json"))["keys"]]
    assert kids == [new_kid, old_kid]
    pool.clock.advance(3 * 86_400)
    kids = [k["kid"] for k in body(pool.call("GET", "/.well-known/jwks.json"))["keys"]]
    assert kids == [new_kid]


def test_jwks_publishes_public_members_only() -> None:
    key = body(Pool().call("GET", "/.well-known/jwks.json"))["keys"][0]
    assert set(key) == {"kty", "n", "e", "kid", "alg", "use"}
    assert key["alg"] == "RS256"


def claims_header(token: str) -> dict[str, object]:
    import base64

    import orjson

    head = token.split(".")[0]
    return orjson.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))  # type: ignore[no-any-return]
