"""Which JWKS entries become verification keys, and which algorithms each may verify."""

from __future__ import annotations

import pytest
from idp_double import FakeIdp, SigningKey
from joserfc.jwk import OctKey, RSAKey

from dynafed.identity.oidc.signing_keys import parse_jwks, select_key


def test_rsa_and_nist_ec_signature_keys_are_kept(key_pool: dict[str, SigningKey]) -> None:
    names = ["rsa-1", "ec-256", "ec-384", "ec-521"]
    keys = parse_jwks({"keys": [FakeIdp.public_jwk(key_pool[n]) for n in names]})
    assert [(k.kid, k.kty, k.curve) for k in keys] == [
        ("rsa-1", "RSA", None),
        ("ec-256", "EC", "P-256"),
        ("ec-384", "EC", "P-384"),
        ("ec-521", "EC", "P-521"),
    ]


@pytest.mark.parametrize(
    "change",
    [
        {"use": "enc"},
        {"key_ops": ["encrypt"]},
        {"alg": "HS256"},
        {"alg": "PS256"},
        {"kid": 7},
        {"n": "not base64 !!"},
        {"e": None},
    ],
)
def test_unusable_rsa_entries_are_skipped(key_pool: dict[str, SigningKey], change: dict) -> None:
    entry = {**FakeIdp.public_jwk(key_pool["rsa-1"]), **change}
    assert parse_jwks({"keys": [entry]}) == ()


def test_other_key_types_and_curves_are_skipped(key_pool: dict[str, SigningKey]) -> None:
    oct_key = OctKey.generate_key(256, private=True).as_dict(private=True)
    okp = {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
    k256 = {**FakeIdp.public_jwk(key_pool["ec-256"]), "crv": "secp256k1"}
    assert parse_jwks({"keys": [oct_key, okp, k256, "junk", None]}) == ()


@pytest.mark.filterwarnings("ignore:Key size should be")
def test_short_rsa_keys_are_refused() -> None:
    small = RSAKey.generate_key(1024, private=True).as_dict(private=False)
    assert parse_jwks({"keys": [small]}) == ()
    assert len(parse_jwks({"keys": [small]}, min_rsa_bits=1024)) == 1


def test_private_members_are_never_imported(key_pool: dict[str, SigningKey]) -> None:
    entry = key_pool["rsa-1"].as_dict(private=True)
    (key,) = parse_jwks({"keys": [entry]})
    assert key.key.is_private is False


@pytest.mark.parametrize("document", [None, [], {"keys": "x"}, {"keys": {}}, {"other": []}])
def test_malformed_documents_yield_no_keys(document: object) -> None:
    assert parse_jwks(document) == ()


@pytest.mark.parametrize(
    ("name", "good", "bad"),
    [
        ("rsa-1", ["RS256", "RS384", "RS512"], ["ES256", "HS256", "none", "PS256"]),
        ("ec-256", ["ES256"], ["ES384", "ES512", "RS256", "HS256"]),
        ("ec-384", ["ES384"], ["ES256", "RS384"]),
        ("ec-521", ["ES512"], ["ES256", "RS512"]),
    ],
)
def test_each_key_verifies_only_its_own_algorithms(
    key_pool: dict[str, SigningKey], name: str, good: list[str], bad: list[str]
) -> None:
    (key,) = parse_jwks({"keys": [FakeIdp.public_jwk(key_pool[name])]})
    assert all(key.can_verify(alg) for alg in good)
    assert not any(key.can_verify(alg) for alg in bad)


def test_a_pinned_jwk_alg_restricts_the_key(key_pool: dict[str, SigningKey]) -> None:
    (key,) = parse_jwks({"keys": [FakeIdp.public_jwk(key_pool["rsa-1"], alg="RS512")]})
    assert key.can_verify("RS512") and not key.can_verify("RS256")


def test_select_by_kid_and_without_kid(key_pool: dict[str, SigningKey]) -> None:
    keys = parse_jwks({"keys": [FakeIdp.public_jwk(key_pool[n]) for n in ("rsa-1", "ec-256")]})
    assert select_key(keys, "ec-256", "ES256") is keys[1]
    assert select_key(keys, "ec-256", "RS256") is None  # kid of an EC key, RSA algorithm
    assert select_key(keys, None, "ES256") is keys[1]  # the only EC key
    two_rsa = parse_jwks({"keys": [FakeIdp.public_jwk(key_pool[n]) for n in ("rsa-1", "rsa-2")]})
    assert select_key(two_rsa, None, "RS256") is None  # ambiguous without a kid
