"""Optional hardening, off by default: each SAML assertion is redeemed once.

AWS documents no replay check for AssumeRoleWithSAML; the assertion's short validity (and
STS's 5-minute redemption window) is what bounds reuse, and tools that cache a SAML
response to assume several roles rely on that. A deployment that wants one-time use turns
this on (sts-identity.md §5.1 step 12): the assertion's ID is kept as a storage document
until the assertion could no longer be redeemed anyway, so every node sees it, and a
second redemption is refused.

The ID is recorded after the credentials are minted, in one write transaction that checks
and records it, so two nodes racing with the same assertion cannot both succeed, and a
call refused for another reason (wrong role, trust policy) does not use the assertion up.
"""

from __future__ import annotations

import hashlib

from dynafed.errors import InvalidIdentityToken
from dynafed.identity.saml.verifier import VerifiedSamlAssertion
from dynafed.storage.port import Storage, WriteTxn

DOCUMENT_KIND = "saml_assertion"
ALREADY_REDEEMED = "The SAML assertion has already been used"  # ours: AWS has no such check
PURGE_INTERVAL = 60.0
"""Seconds between sweeps of the records of assertions that have expired since."""


class AssertionLedger:
    def __init__(self, storage: Storage, purge_interval: float = PURGE_INTERVAL) -> None:
        self._storage = storage
        self._purge_interval = purge_interval
        self._next_purge = 0.0

    def redeem(self, assertion: VerifiedSamlAssertion, now: float) -> None:
        name = record_name(assertion.issuer, assertion.assertion_id)
        purge = now >= self._next_purge
        if purge:
            self._next_purge = now + self._purge_interval

        def record(txn: WriteTxn) -> bool:
            earlier = txn.get_document(DOCUMENT_KIND, name)
            if earlier is not None and float(earlier["usable_until"]) > now:
                return False
            txn.put_document(DOCUMENT_KIND, name, {"usable_until": assertion.usable_until})
            if purge:
                _forget_expired(txn, now)
            return True

        if not self._storage.write(record):
            raise InvalidIdentityToken(ALREADY_REDEEMED)


def record_name(issuer: str, assertion_id: str) -> str:
    """IDs are unique per issuer only (SAML core §1.3.4); digest both into a fixed size."""
    return hashlib.sha256(f"{issuer}\n{assertion_id}".encode()).hexdigest()


def _forget_expired(txn: WriteTxn, now: float) -> None:
    for name, document in txn.list_documents(DOCUMENT_KIND):
        if float(document["usable_until"]) <= now:
            txn.delete_document(DOCUMENT_KIND, name)
