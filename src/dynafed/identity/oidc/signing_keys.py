"""Turn a provider's JWKS document into the verification keys we are willing to use.

Only signature keys (`use` absent or `sig`) of type RSA or EC on the NIST curves are kept,
public members only, and at most `max_keys` of them: AWS documents that it reads up to 100
keys of a JWKS (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html).
Each key is bound to the algorithms it may verify, so an RSA key can never be fed to an EC
(or HMAC) algorithm: key confusion is ruled out by construction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from joserfc.errors import JoseError
from joserfc.jwk import ECKey, RSAKey

ALLOWED_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "ES256", "ES384", "ES512"})
"""What AWS accepts for OIDC ID tokens; never `none`, never HS*."""

_EC_CURVE_OF_ALG = {"ES256": "P-256", "ES384": "P-384", "ES512": "P-521"}


@dataclass(frozen=True, slots=True)
class VerificationKey:
    kid: str | None
    kty: str
    """`RSA` or `EC`."""
    curve: str | None
    """The EC curve (`P-256`, ...); None for RSA."""
    alg: str | None
    """The JWK's own `alg`, if the provider pinned one."""
    key: RSAKey | ECKey

    def can_verify(self, alg: str) -> bool:
        if alg not in ALLOWED_ALGORITHMS or (self.alg is not None and self.alg != alg):
            return False
        if alg.startswith("RS"):
            return self.kty == "RSA"
        return self.kty == "EC" and self.curve == _EC_CURVE_OF_ALG[alg]


def parse_jwks(
    document: Any, *, max_keys: int = 100, min_rsa_bits: int = 2048
) -> tuple[VerificationKey, ...]:
    """The usable keys of a JWKS, in document order. Unusable entries are skipped, not fatal:
    providers publish encryption keys and keys of other types side by side with theirs."""
    if not isinstance(document, Mapping):
        return ()
    entries = document.get("keys")
    if not isinstance(entries, Sequence) or isinstance(entries, str):
        return ()
    keys: list[VerificationKey] = []
    for entry in entries:
        key = _verification_key(entry, min_rsa_bits)
        if key is not None:
            keys.append(key)
            if len(keys) == max_keys:
                break
    return tuple(keys)


def _verification_key(entry: Any, min_rsa_bits: int) -> VerificationKey | None:
    if not isinstance(entry, Mapping) or not _is_signature_key(entry):
        return None
    kid = entry.get("kid")
    alg = entry.get("alg")
    if kid is not None and not isinstance(kid, str):
        return None
    if alg is not None and alg not in ALLOWED_ALGORITHMS:
        return None
    try:
        if entry.get("kty") == "RSA":
            rsa = RSAKey.import_key({"kty": "RSA", "n": entry["n"], "e": entry["e"]})
            if rsa.raw_value.key_size < min_rsa_bits:
                return None
            return VerificationKey(kid, "RSA", None, alg, rsa)
        if entry.get("kty") == "EC" and entry.get("crv") in _EC_CURVE_OF_ALG.values():
            members = {"kty": "EC", "crv": entry["crv"], "x": entry["x"], "y": entry["y"]}
            return VerificationKey(kid, "EC", entry["crv"], alg, ECKey.import_key(members))
    except (KeyError, TypeError, ValueError, JoseError):
        return None
    return None


def _is_signature_key(entry: Mapping[str, Any]) -> bool:
    use = entry.get("use")
    ops = entry.get("key_ops")
    if use is not None and use != "sig":
        return False
    return ops is None or (isinstance(ops, list) and "verify" in ops)


def select_key(
    keys: Sequence[VerificationKey], kid: str | None, alg: str
) -> VerificationKey | None:
    """The key a token names by `kid`; without a `kid`, the only key able to verify `alg`."""
    if kid is not None:
        return next((k for k in keys if k.kid == kid and k.can_verify(alg)), None)
    candidates = [k for k in keys if k.can_verify(alg)]
    return candidates[0] if len(candidates) == 1 else None
