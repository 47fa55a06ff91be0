"""What every IAM use case works with: the storage, the account, the clock, the ids, and
what seals access-key secrets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from dynafed.core.clock import Clock
from dynafed.iam.ids import IdSource
from dynafed.iam.secret_seal import SecretSealer
from dynafed.storage.port import ReadViewContext, Storage, WriteTxn

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class IamContext:
    storage: Storage
    account_id: str
    clock: Clock
    ids: IdSource
    sealer: SecretSealer | None = None
    """None: access keys cannot be created (an IAM service built without storage secrets)."""
    on_change: Callable[[], None] | None = None
    """Told after every write, so what this node keeps of IAM data is read again at once
    (`sts.trust.TrustedRoles`)."""

    def now(self) -> float:
        # IAM dates have whole seconds on the wire; keep stored ones the same.
        return float(int(self.clock.now()))

    def read(self) -> ReadViewContext:
        return self.storage.read()

    def write(self, fn: Callable[[WriteTxn], T]) -> T:
        try:
            return self.storage.write(fn)
        finally:
            # Even a failed write may have committed (a lost connection after COMMIT).
            if self.on_change is not None:
                self.on_change()
