"""The authorization-code flow with PKCE through the provider's endpoints, in process.

Behaviour follows RFC 6749 §4.1 and §5.2, RFC 7636 §4.6 and Cognito's hosted UI token
endpoint (https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html).
"""

from __future__ import annotations

import base64

from joserfc.jwk import RSAKey
from joserfc.jwt import decode
from tests.unit.userpool.pool_harness import (
    CALLBACK,
    ISSUER,
    VERIFIER,
    Pool,
    body,
    claims,
    location,
    redirect_query,
)

from dynafed.userpool import pkce


def test_discovery_names_the_issuer_and_its_endpoints() -> None:
    doc = body(Pool().call("GET", "/.well-known/openid-configuration"))
    assert doc["issuer"] == ISSUER
    assert doc["jwks_uri"] == f"{ISSUER}/.well-known/jwks.json"
    assert doc["token_endpoint"] == f"{ISSUER}/oauth2/token"
    assert doc["code_challenge_methods_supported"] == ["S256"]


def test_sign_in_page_carries_the_request_and_escapes_it() -> None:
    pool = Pool()
    page = pool.call("GET", "/oauth2/authorize", query=pool.authorize_params(state='"><script>'))
    html = page.body.decode()
    assert page.status == 200
    assert 'name="password"' in html
    assert "<script>" not in html and "&quot;&gt;&lt;script&gt;" in html
    assert dict(page.headers)["x-frame-options"] == "DENY"


def test_code_exchange_returns_tokens_signed_by_the_published_keys() -> None:
    pool = Pool()
    answer = pool.sign_in()
    assert location(answer).startswith(CALLBACK + "?")
    assert redirect_query(answer)["state"] == "st4te"
    tokens = body(pool.exchange(redirect_query(answer)["code"]))
    assert set(tokens) == {"id_token", "access_token", "refresh_token", "token_type", "expires_in"}
    jwks = body(pool.call("GET", "/.well-known/jwks.json"))
    key = RSAKey.import_key(jwks["keys"][0])
    id_claims = decode(tokens["id_token"], key, algorithms=["RS256"]).claims
    assert id_claims["iss"] == ISSUER
    assert id_claims["aud"] == pool.public.client_id
    assert id_claims["sub"] == pool.alice.sub
    assert id_claims["token_use"] == "id"
    assert id_claims["cognito:username"] == "alice"
    assert id_claims["email"] == "alice@example.com"
    access = claims(tokens["access_token"])
    assert "aud" not in access and access["client_id"] == pool.public.client_id


def test_userinfo_answers_for_the_access_token_only() -> None:
    pool = Pool()
    tokens = body(pool.exchange(pool.code()))
    ok = pool.call("GET", "/oauth2/userInfo", authorization=f"Bearer {tokens['access_token']}")
    assert body(ok) == {
        "sub": pool.alice.sub,
        "username": "alice",
        "email": "alice@example.com",
        "email_verified": True,
    }
    refused = pool.call("GET", "/oauth2/userInfo", authorization=f"Bearer {tokens['id_token']}")
    assert refused.status == 401
    assert 'error="invalid_token"' in dict(refused.headers)["www-authenticate"]


def test_wrong_pkce_verifier_is_refused_and_uses_the_code_up() -> None:
    pool = Pool()
    code = pool.code()
    wrong = pool.exchange(code, verifier="w" * 43)
    assert (wrong.status, body(wrong)["error"]) == (400, "invalid_grant")
    retry = pool.exchange(code)
    assert body(retry)["error"] == "invalid_grant"


def test_missing_verifier_is_refused() -> None:
    pool = Pool()
    assert body(pool.exchange(pool.code(), verifier=None))["error"] == "invalid_grant"


def test_tampered_code_is_refused() -> None:
    pool = Pool()
    code = pool.code()
    tampered = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert body(pool.exchange(tampered))["error"] == "invalid_grant"


def test_reused_code_is_refused_and_revokes_the_refresh_token_it_produced() -> None:
    pool = Pool()
    code = pool.code()
    first = body(pool.exchange(code))
    assert body(pool.exchange(code))["error"] == "invalid_grant"
    refresh = pool.call(
        "POST",
        "/oauth2/token",
        form={
            "grant_type": "refresh_token",
            "refresh_token": first["refresh_token"],
            "client_id": pool.public.client_id,
        },
    )
    assert body(refresh)["error"] == "invalid_grant"


def test_code_expires_after_five_minutes() -> None:
    pool = Pool()
    code = pool.code()
    pool.clock.advance(301)
    assert body(pool.exchange(code))["error"] == "invalid_grant"


def test_redirect_uri_must_match_the_authorization_request() -> None:
    pool = Pool()
    answer = pool.exchange(pool.code(), redirect_uri="http://127.0.0.1:8000/other")
    assert body(answer)["error"] == "invalid_grant"


def test_public_client_needs_pkce() -> None:
    pool = Pool()
    answer = pool.sign_in(code_challenge="", code_challenge_method="")
    assert redirect_query(answer)["error"] == "invalid_request"


def test_plain_pkce_is_refused() -> None:
    pool = Pool()
    answer = pool.sign_in(code_challenge=VERIFIER[:43], code_challenge_method="plain")
    assert redirect_query(answer)["error"] == "invalid_request"


def test_unregistered_redirect_uri_is_shown_not_redirected() -> None:
    pool = Pool()
    page = pool.sign_in(redirect_uri="https://evil.example/cb")
    assert page.status == 400 and "location" not in dict(page.headers)
    assert b"not a callback URL" in page.body


def test_unknown_client_is_shown_not_redirected() -> None:
    page = Pool().sign_in(client_id="nosuchclient")
    assert page.status == 400 and "location" not in dict(page.headers)


def test_confidential_client_authenticates_with_basic_or_post() -> None:
    pool = Pool()
    client = pool.private.client
    secret = pool.private.secret
    assert secret is not None
    code = pool.code(client_id=client.client_id, code_challenge="", code_challenge_method="")
    basic = base64.b64encode(f"{client.client_id}:{secret}".encode()).decode()
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK}
    ok = pool.call("POST", "/oauth2/token", form=form, authorization=f"Basic {basic}")
    assert ok.status == 200 and "id_token" in body(ok)
    code2 = pool.code(client_id=client.client_id, code_challenge="", code_challenge_method="")
    wrong = pool.call(
        "POST",
        "/oauth2/token",
        form={**form, "code": code2, "client_id": client.client_id, "client_secret": "nope"},
    )
    assert (wrong.status, body(wrong)["error"]) == (401, "invalid_client")


def test_public_client_presenting_a_secret_is_refused() -> None:
    pool = Pool()
    answer = pool.exchange(pool.code(), client_secret="anything")
    assert body(answer)["error"] == "invalid_client"


def test_nonce_is_echoed_in_the_id_token() -> None:
    pool = Pool()
    tokens = body(pool.exchange(pool.code(nonce="n-0S6_WzA2Mj")))
    assert claims(tokens["id_token"])["nonce"] == "n-0S6_WzA2Mj"


def test_pkce_s256_matches_rfc7636_appendix_b() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert pkce.challenge_of(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    assert pkce.verifier_matches(verifier, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
