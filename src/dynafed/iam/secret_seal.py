"""Access-key secrets at rest: sealed, never stored in clear.

SigV4 verification needs the secret itself (the signing key is derived from it for each
day, region and service), so a one-way hash cannot do: the secret is kept encrypted with
AES-256-GCM, the access key id bound in as associated data (a sealed secret copied into
another key's document does not open). The encryption key is derived with HKDF-SHA256
from two parts:

- a random 32-byte seal key kept in storage (document `iam-secret-seal`), created once by
  the first node that needs it, inside one atomic write, so every node shares it;
- the server secret: the admin secret access key, which is never in storage (it comes from
  the environment or `admin-credentials.json`).

So a copy of the database alone opens no secret: it takes the database and the admin
secret. Consequence: changing the admin secret makes every user access key unusable (create
new keys); docs/security.md says so.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import threading

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from dynafed.storage.port import Storage, WriteTxn

SEAL_KIND = "iam-secret-seal"
SEAL_NAME = "access-keys"
_PREFIX = "v1."
_NONCE_BYTES = 12
_KEY_BYTES = 32
_INFO = b"dynafed iam access-key secrets v1"


def new_secret_access_key() -> str:
    """40 characters of base64, like IAM's secret access keys (240 random bits)."""
    return base64.b64encode(secrets.token_bytes(30)).decode("ascii")


class SecretSealer:
    def __init__(self, storage: Storage, server_secret: str) -> None:
        self._storage = storage
        self._server_secret = server_secret.encode("utf-8")
        self._aead: AESGCM | None = None
        self._lock = threading.Lock()

    def seal(self, access_key_id: str, secret: str) -> str:
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = self._cipher().encrypt(nonce, secret.encode("utf-8"), _ad(access_key_id))
        return _PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def open(self, access_key_id: str, sealed: str) -> str | None:
        """The secret, or None if `sealed` does not open (another server secret, another
        key id, a doctored document)."""
        if not sealed.startswith(_PREFIX):
            return None
        try:
            raw = base64.urlsafe_b64decode(sealed[len(_PREFIX) :])
            plain = self._cipher().decrypt(
                raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _ad(access_key_id)
            )
            return plain.decode("utf-8")
        except (InvalidTag, binascii.Error, ValueError, UnicodeDecodeError):
            return None

    def _cipher(self) -> AESGCM:
        aead = self._aead
        if aead is not None:
            return aead
        with self._lock:
            if self._aead is None:
                stored = self._storage.write(_load_or_create)
                key = HKDF(
                    algorithm=hashes.SHA256(),
                    length=_KEY_BYTES,
                    salt=self._server_secret,
                    info=_INFO,
                ).derive(stored)
                self._aead = AESGCM(key)
            return self._aead


def _ad(access_key_id: str) -> bytes:
    return b"iam-access-key\x00" + access_key_id.encode("utf-8")


def _load_or_create(txn: WriteTxn) -> bytes:
    document = txn.get_document(SEAL_KIND, SEAL_NAME)
    if document is not None:
        return base64.b64decode(document["key"])
    key = secrets.token_bytes(_KEY_BYTES)
    txn.put_document(SEAL_KIND, SEAL_NAME, {"key": base64.b64encode(key).decode("ascii")})
    return key
