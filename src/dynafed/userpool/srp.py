"""The Secure Remote Password protocol as Cognito user pools run it (`USER_SRP_AUTH`, then the
`PASSWORD_VERIFIER` challenge), the server's side. Pure: randomness comes in as arguments.

Cognito's SRP-6a, as its SDKs (Amplify, amazon-cognito-identity-js, pycognito) compute it:
- the group is RFC 5054's 3072-bit prime with g = 2, and SHA-256 throughout;
- numbers are hashed as the bytes of their "padded hex": lowercase hex, one `0` added to
  an odd length, `00` added when the first digit is 8-f (a two's-complement positive);
- k = H(pad(N) | pad(g)), u = H(pad(A) | pad(B));
- x = H(pad(salt) | H(poolName | userId | ":" | password)), where poolName is the part of
  the pool id after the `_`, and the inner hash enters as its 32 bytes;
- the verifier is v = g^x mod N; the server sends B = k·v + g^b mod N;
- both sides derive S (client: (B - k·g^x)^(a + u·x); server: (A·v^u)^b), then a 16-byte
  key with HKDF-SHA256 (input pad(S), salt pad(u), info "Caldera Derived Key");
- the client proves it with Base64(HMAC-SHA256(key, poolName | userId | secret block bytes
  | timestamp)), the timestamp written `EEE MMM d HH:mm:ss UTC yyyy` in English
  (e.g. `Mon Dec 7 06:05:09 UTC 2026`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

N_HEX = (
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879"
    "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B"
    "0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA4836"
    "1C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804"
    "F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6"
    "955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64"
    "ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D226"
    "1AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2"
    "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"
)
"""RFC 5054, Appendix A, the 3072-bit group (also RFC 3526's MODP group 15)."""
N = int(N_HEX, 16)
G = 2
INFO = b"Caldera Derived Key"
KEY_BYTES = 16
TIMESTAMP = re.compile(
    r"(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"([1-9]|[12][0-9]|3[01]) ([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9] UTC [0-9]{4}"
)
"""`EEE MMM d HH:mm:ss UTC yyyy`: the day of the month without a leading zero."""


def pad_hex(value: int | str) -> str:
    text = value if isinstance(value, str) else format(value, "x")
    if len(text) % 2:
        return "0" + text
    if text[:1] in "89abcdefABCDEF":
        return "00" + text
    return text


def _hash_hex(hex_text: str) -> str:
    return hashlib.sha256(bytes.fromhex(hex_text)).hexdigest()


K = int(_hash_hex(pad_hex(N) + pad_hex(G)), 16)


def pool_name(pool_id: str) -> str:
    return pool_id.split("_", 1)[1]


def _x(pool_id: str, user_id: str, password: str, salt_hex: str) -> int:
    inner = hashlib.sha256(f"{pool_name(pool_id)}{user_id}:{password}".encode()).hexdigest()
    return int(_hash_hex(pad_hex(salt_hex) + inner), 16)


def salt_hex(random_bytes: bytes) -> str:
    """A salt from 16 random bytes, written so every client reads it back the same: no
    leading zero digit and no high bit (clients that parse it as a number and pad it
    again would otherwise hash other bytes)."""
    first = random_bytes[0] % 0x70 + 0x10  # 0x10..0x7f
    return bytes([first, *random_bytes[1:]]).hex()


def verifier(pool_id: str, user_id: str, password: str, salt: str) -> str:
    """v = g^x mod N, as hex: what the server keeps instead of the password."""
    return format(pow(G, _x(pool_id, user_id, password, salt), N), "x")


@dataclass(frozen=True, slots=True)
class ServerHello:
    b: int
    big_b: int


def server_hello(verifier_hex: str, random_b: bytes) -> ServerHello | None:
    """B = k·v + g^b mod N from 32+ random bytes, or None in the (negligible) case B ≡ 0."""
    b = int.from_bytes(random_b, "big") % N
    big_b = (K * int(verifier_hex, 16) + pow(G, b, N)) % N
    return ServerHello(b, big_b) if b and big_b else None


def parse_a(srp_a: str) -> int | None:
    """The client's A, or None when it is not hex or A ≡ 0 mod N (an attack: it would make
    the shared secret 0 whatever the password)."""
    try:
        big_a = int(srp_a, 16)
    except ValueError:
        return None
    return big_a if big_a % N else None


def password_key(big_a: int, hello: ServerHello, verifier_hex: str) -> bytes | None:
    """The 16-byte key both sides derive; None when u = 0 (refused, as clients refuse it)."""
    u = int(_hash_hex(pad_hex(big_a) + pad_hex(hello.big_b)), 16)
    if u == 0:
        return None
    shared = pow(big_a * pow(int(verifier_hex, 16), u, N), hello.b, N)
    hkdf = HKDF(hashes.SHA256(), KEY_BYTES, bytes.fromhex(pad_hex(u)), INFO)
    return hkdf.derive(bytes.fromhex(pad_hex(shared)))


def claim_matches(
    key: bytes, pool_id: str, user_id: str, secret_block: str, timestamp: str, signature: str
) -> bool:
    """Whether PASSWORD_CLAIM_SIGNATURE proves the client holds the same key."""
    if not TIMESTAMP.fullmatch(timestamp):
        return False
    try:
        block = base64.b64decode(secret_block, validate=True)
        given = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        return False
    message = pool_name(pool_id).encode() + user_id.encode() + block + timestamp.encode()
    expected = hmac.new(key, message, hashlib.sha256).digest()
    return hmac.compare_digest(expected, given)
