"""User-pool records in storage documents, one kind per record type.

Names are `<pool-id>/<key>` so every record of a pool sorts together. Codes and refresh
tokens are filed under the SHA-256 of their value: a database dump never holds a usable one.
"""

from __future__ import annotations

import hashlib

from dynafed.storage.port import Document, ReadView, WriteTxn
from dynafed.userpool.model import AppClient, Group, User, UserPool

POOL_KIND = "userpool"
CLIENT_KIND = "userpool-client"
USER_KIND = "userpool-user"
CODE_KIND = "userpool-code"
REFRESH_KIND = "userpool-refresh"
SESSION_KIND = "userpool-session"
"""A pending auth challenge (NEW_PASSWORD_REQUIRED), filed by the digest of its `Session`."""
USER_CODE_KIND = "userpool-user-code"
"""A user's pending confirmation or reset code (`userpool/codes.py`)."""
OUTBOX_KIND = "userpool-outbox"
SRP_KIND = "userpool-srp"
"""A pending PASSWORD_VERIFIER challenge, filed by the digest of its SECRET_BLOCK."""
GROUP_KIND = "userpool-group"
"""Groups, named `<pool-id>/<group name>` (group names are case-sensitive)."""
REVOKED_KIND = "userpool-revoked"
"""Sign-ins (`origin_jti`) signed out or revoked: their access tokens stop working at once."""


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def get_pool(view: ReadView, pool_id: str) -> UserPool | None:
    doc = view.get_document(POOL_KIND, pool_id)
    return UserPool.from_document(doc) if doc is not None else None


def list_pools(view: ReadView) -> list[UserPool]:
    return [UserPool.from_document(doc) for _, doc in view.list_documents(POOL_KIND)]


def save_pool(txn: WriteTxn, pool: UserPool) -> None:
    txn.put_document(POOL_KIND, pool.pool_id, pool.to_document())


def delete_pool(txn: WriteTxn, pool_id: str) -> None:
    """The pool with its clients, users, groups, pending codes and the pool's outbox."""
    for kind in (CLIENT_KIND, USER_KIND, USER_CODE_KIND, OUTBOX_KIND, GROUP_KIND):
        for name, _ in txn.list_documents(kind):
            if name.startswith(f"{pool_id}/"):
                txn.delete_document(kind, name)
    txn.delete_document(POOL_KIND, pool_id)


def get_client(view: ReadView, pool_id: str, client_id: str) -> AppClient | None:
    doc = view.get_document(CLIENT_KIND, f"{pool_id}/{client_id}")
    return AppClient.from_document(doc) if doc is not None else None


def list_clients(view: ReadView, pool_id: str) -> list[AppClient]:
    return [AppClient.from_document(doc) for doc in _pool_documents(view, CLIENT_KIND, pool_id)]


def find_client(view: ReadView, client_id: str) -> AppClient | None:
    """A client by its id alone (InitiateAuth names no pool); ids are unique across pools."""
    suffix = f"/{client_id}"
    for name, doc in view.list_documents(CLIENT_KIND):
        if name.endswith(suffix):
            return AppClient.from_document(doc)
    return None


def delete_client(txn: WriteTxn, pool_id: str, client_id: str) -> None:
    txn.delete_document(CLIENT_KIND, f"{pool_id}/{client_id}")


def save_client(txn: WriteTxn, client: AppClient) -> None:
    txn.put_document(CLIENT_KIND, f"{client.pool_id}/{client.client_id}", client.to_document())


def get_user(view: ReadView, pool_id: str, username: str) -> User | None:
    doc = view.get_document(USER_KIND, f"{pool_id}/{username.lower()}")
    return User.from_document(doc) if doc is not None else None


def list_users(view: ReadView, pool_id: str) -> list[User]:
    return [User.from_document(doc) for doc in _pool_documents(view, USER_KIND, pool_id)]


def save_user(txn: WriteTxn, user: User) -> None:
    # User names are case-insensitive, as in Cognito pools created since 2020.
    txn.put_document(USER_KIND, f"{user.pool_id}/{user.username.lower()}", user.to_document())


def delete_user(txn: WriteTxn, pool_id: str, username: str) -> None:
    txn.delete_document(USER_KIND, f"{pool_id}/{username.lower()}")
    prefix = f"{pool_id}/{username.lower()}/"
    for name, _ in txn.list_documents(USER_CODE_KIND):
        if name.startswith(prefix):
            txn.delete_document(USER_CODE_KIND, name)


def get_group(view: ReadView, pool_id: str, name: str) -> Group | None:
    doc = view.get_document(GROUP_KIND, f"{pool_id}/{name}")
    return Group.from_document(doc) if doc is not None else None


def list_groups(view: ReadView, pool_id: str) -> list[Group]:
    return [Group.from_document(doc) for doc in _pool_documents(view, GROUP_KIND, pool_id)]


def save_group(txn: WriteTxn, group: Group) -> None:
    txn.put_document(GROUP_KIND, f"{group.pool_id}/{group.name}", group.to_document())


def delete_group(txn: WriteTxn, pool_id: str, name: str) -> None:
    txn.delete_document(GROUP_KIND, f"{pool_id}/{name}")


def groups_of(view: ReadView, user: User) -> list[Group]:
    """The groups `user` belongs to (names of deleted groups are skipped)."""
    found = (get_group(view, user.pool_id, name) for name in user.groups)
    return [group for group in found if group is not None]


def _pool_documents(view: ReadView, kind: str, pool_id: str) -> list[Document]:
    """The documents of `kind` filed under `pool_id` (names `<pool-id>/<key>`)."""
    prefix = f"{pool_id}/"
    return [doc for name, doc in view.list_documents(kind) if name.startswith(prefix)]
