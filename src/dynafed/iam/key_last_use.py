"""When, where and for which service each IAM user's access key was last used.

AWS records a key's last use (GetAccessKeyLastUsed, the credential report) within hours, not
per request. dynafed notes each accepted request's use in memory and records it in storage
at most once per key every `RECORD_EVERY_SECONDS`, from a background thread: the request
path never waits for that write, and a busy key costs one small write a minute. A use not yet
recorded when the process stops is lost, as "within hours" allows.
"""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import asdict, dataclass
from functools import partial
from typing import Any

from dynafed.storage.port import ReadView, Storage, WriteTxn

log = logging.getLogger(__name__)

DOCUMENT_KIND = "iam-access-key-last-use"
RECORD_EVERY_SECONDS = 60.0
_MAX_NOTED = 10_000


@dataclass(frozen=True, slots=True)
class KeyUse:
    used_at: float
    service: str
    """The signing name of the request's scope (`dynamodb`, `sts`, `iam`, ...)."""
    region: str


def last_use(view: ReadView, access_key_id: str) -> KeyUse | None:
    doc = view.get_document(DOCUMENT_KIND, access_key_id)
    return None if doc is None else KeyUse(**doc)


def forget(txn: WriteTxn, access_key_id: str) -> None:
    """A deleted key's record goes with it."""
    txn.delete_document(DOCUMENT_KIND, access_key_id)


class KeyUseRecorder:
    def __init__(self, storage: Storage, every: float = RECORD_EVERY_SECONDS) -> None:
        self._storage = storage
        self._every = every
        self._recorded_at: dict[str, float] = {}
        self._pending: queue.SimpleQueue[tuple[str, KeyUse]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._writer: threading.Thread | None = None

    def note(self, access_key_id: str, used_at: float, service: str, region: str) -> None:
        """Called for every request a user's key signed; records at most once per interval
        (the check comes first: most calls end there)."""
        last = self._recorded_at.get(access_key_id)
        if last is not None and used_at - last < self._every:
            return
        use = KeyUse(used_at, service, region)
        with self._lock:
            if len(self._recorded_at) >= _MAX_NOTED:
                self._recorded_at.clear()
            self._recorded_at[access_key_id] = used_at
            if self._writer is None:
                self._writer = threading.Thread(
                    target=self._write_forever, name="key-last-use", daemon=True
                )
                self._writer.start()
        self._pending.put((access_key_id, use))

    def _write_forever(self) -> None:
        while True:
            access_key_id, use = self._pending.get()
            try:
                self._storage.write(partial(_record, access_key_id=access_key_id, use=use))
            except Exception:  # a lost record must never take the writer down
                log.warning("could not record the last use of %s", access_key_id, exc_info=True)


def _record(txn: WriteTxn, *, access_key_id: str, use: KeyUse) -> None:
    doc: dict[str, Any] = asdict(use)
    txn.put_document(DOCUMENT_KIND, access_key_id, doc)
