"""One-time codes users are "sent" (sign-up confirmation, password reset, email and phone
number verification), and the outbox they are sent to, with AdminCreateUser's invitations.

No message ever leaves the server: each code is written to the pool's outbox, which a
developer reads with `dynafed users outbox POOL` (the server also logs a line). The code a
user must type back is filed per (pool, user, purpose) by its SHA-256 only, bound to the
user's `sub` (a user deleted and created again under the same name cannot use it); a new
code replaces the previous one. A code lives 24 hours (sign-up) or one hour (password
reset), as Cognito's do, and `MAX_WRONG` wrong guesses use it up. The outbox keeps the
codes themselves (that is its purpose) and only the newest `OUTBOX_SIZE` messages per pool.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import asdict, dataclass
from enum import Enum

from dynafed.storage.port import ReadView, WriteTxn
from dynafed.userpool import store
from dynafed.userpool.model import User

CODE_KIND = store.USER_CODE_KIND
OUTBOX_KIND = store.OUTBOX_KIND
SIGN_UP = "SignUp"
FORGOT_PASSWORD = "ForgotPassword"
VERIFY_EMAIL = "VerifyEmail"
VERIFY_PHONE_NUMBER = "VerifyPhoneNumber"
INVITATION = "Invitation"
"""AdminCreateUser's welcome message: its "code" is the temporary password."""
VALID_SECONDS = {
    SIGN_UP: 24 * 3600,
    FORGOT_PASSWORD: 3600,
    VERIFY_EMAIL: 24 * 3600,
    VERIFY_PHONE_NUMBER: 24 * 3600,
}
MAX_WRONG = 5
OUTBOX_SIZE = 100


class Refusal(Enum):
    MISMATCH = "mismatch"
    EXPIRED = "expired"
    USED_UP = "used up"
    """`MAX_WRONG` wrong guesses: only a new code helps."""


@dataclass(frozen=True, slots=True)
class Message:
    pool_id: str
    username: str
    purpose: str
    destination: str | None
    code: str
    created_at: float

    def line(self) -> str:
        to = f" to {self.destination}" if self.destination else ""
        return (
            f"{self.pool_id} {self.username}: {self.purpose} code {self.code}{to} "
            "(not sent: dynafed keeps it in the outbox)"
        )


def new_code() -> str:
    """Six digits, like Cognito's."""
    return f"{secrets.randbelow(1_000_000):06d}"


def _name(user: User, purpose: str) -> str:
    return f"{user.pool_id}/{user.username.lower()}/{purpose}"


def issue(
    txn: WriteTxn, user: User, purpose: str, code: str, destination: str | None, now: float
) -> Message:
    """File `code` for `user` (replacing any earlier one) and put it in the outbox."""
    txn.put_document(
        CODE_KIND,
        _name(user, purpose),
        {
            "sub": user.sub,
            "code_sha256": store.digest(code),
            "expires_at": now + VALID_SECONDS[purpose],
            "wrong": 0,
        },
    )
    return post(txn, user, purpose, code, destination, now)


def post(
    txn: WriteTxn, user: User, purpose: str, text: str, destination: str | None, now: float
) -> Message:
    """Put a message in the pool's outbox (keeping the newest `OUTBOX_SIZE`)."""
    message = Message(user.pool_id, user.username, purpose, destination, text, now)
    txn.put_document(
        OUTBOX_KIND, f"{user.pool_id}/{now:020.6f}-{secrets.token_hex(4)}", asdict(message)
    )
    kept = sorted(name for name, _ in txn.list_documents(OUTBOX_KIND) if _in_pool(name, user))
    for old in kept[:-OUTBOX_SIZE]:
        txn.delete_document(OUTBOX_KIND, old)
    return message


def _in_pool(name: str, user: User) -> bool:
    return name.startswith(f"{user.pool_id}/")


def redeem(txn: WriteTxn, user: User, purpose: str, code: str, now: float) -> Refusal | None:
    """None when `code` is the user's live code (then it is used up), else why not. Returned,
    not raised: the count of wrong guesses must be written."""
    name = _name(user, purpose)
    doc = txn.get_document(CODE_KIND, name)
    if doc is None or doc["sub"] != user.sub:
        return Refusal.MISMATCH
    if doc["wrong"] >= MAX_WRONG:
        return Refusal.USED_UP
    if not hmac.compare_digest(doc["code_sha256"], store.digest(code)):
        txn.put_document(CODE_KIND, name, {**doc, "wrong": doc["wrong"] + 1})
        return Refusal.MISMATCH
    txn.delete_document(CODE_KIND, name)
    if now >= doc["expires_at"]:
        return Refusal.EXPIRED
    return None


def discard(txn: WriteTxn, user: User, purpose: str) -> None:
    txn.delete_document(CODE_KIND, _name(user, purpose))


def outbox(view: ReadView, pool_id: str) -> list[Message]:
    """The pool's messages, oldest first."""
    prefix = f"{pool_id}/"
    found = sorted(
        (name, doc) for name, doc in view.list_documents(OUTBOX_KIND) if name.startswith(prefix)
    )
    return [Message(**doc) for _, doc in found]
