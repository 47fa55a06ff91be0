"""User-pool records in storage documents, one kind per record type.

Names are `<pool-id>/<key>` so every record of a pool sorts together. Codes and refresh
tokens are filed under the SHA-256 of their value: a database dump never holds a usable one.
"""

from __future__ import annotations

import hashlib

from dynafed.storage.port import Document, ReadView, WriteTxn
from dynafed.userpool import sign_in_names
from dynafed.userpool.api.errors import AliasExistsException, UsernameExistsException
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
SIGN_IN_NAME_KIND = "userpool-sign-in-name"
"""Who signs in with an email, phone number or preferred_username
(`userpool/sign_in_names.py`): `<pool-id>/<attribute>/<normalized value>` → the user's name
and `sub`. One record per name is what makes a name belong to one user of the pool: a
transaction claiming it reads the record first, and storage serializes transactions on the
keys they read (docs/decisions/postgres-write-isolation.md), so two claims cannot both pass."""


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
    kinds = (CLIENT_KIND, USER_KIND, USER_CODE_KIND, OUTBOX_KIND, GROUP_KIND, SIGN_IN_NAME_KIND)
    for kind in kinds:
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


def find_user(view: ReadView, pool: UserPool, name: str) -> User | None:
    """The user `name` names: their user name, else an email, phone number or
    preferred_username they sign in with (the pool's username or alias attributes)."""
    user = get_user(view, pool.pool_id, name)
    if user is not None:
        return user
    for attribute in (*pool.username_attributes, *pool.alias_attributes):
        value = sign_in_names.normalized(attribute, name)
        holder = _holder(view, pool, attribute, value)
        if holder is not None:
            return holder
    return None


def _name_key(pool_id: str, attribute: str, value: str) -> str:
    return f"{pool_id}/{attribute}/{value}"


def _holder(view: ReadView, pool: UserPool, attribute: str, value: str) -> User | None:
    """The user who signs in with `value` as `attribute`, if the record still holds (the
    record of a user deleted or changed since is stale, and nobody's)."""
    entry = view.get_document(SIGN_IN_NAME_KIND, _name_key(pool.pool_id, attribute, value))
    if entry is None:
        return None
    user = get_user(view, pool.pool_id, entry["username"])
    if user is None or user.sub != entry["sub"]:
        return None
    if sign_in_names.sign_in_names(pool, user).get(attribute) != value:
        return None
    return user


def save_user(txn: WriteTxn, user: User, take_aliases: bool = False) -> None:
    """Save `user` and the names they sign in with. A name another user of the pool has is
    refused (UsernameExistsException for the email / phone number a new user is named by,
    AliasExistsException otherwise), unless `take_aliases` (`ForceAliasCreation`): then
    the alias moves to `user` and the other user's attribute becomes unverified, as on AWS."""
    key = f"{user.pool_id}/{user.username.lower()}"
    pool = get_pool(txn, user.pool_id)
    if pool is not None and (pool.username_attributes or pool.alias_attributes):
        previous = txn.get_document(USER_KIND, key)
        _claim_names(
            txn, pool, User.from_document(previous) if previous else None, user, take_aliases
        )
    # User names are case-insensitive, as in Cognito pools created since 2020.
    txn.put_document(USER_KIND, key, user.to_document())


def _claim_names(
    txn: WriteTxn, pool: UserPool, previous: User | None, user: User, take_aliases: bool
) -> None:
    had = sign_in_names.sign_in_names(pool, previous) if previous is not None else {}
    has = sign_in_names.sign_in_names(pool, user)
    for attribute, value in had.items():
        if has.get(attribute) != value:
            _release(txn, pool.pool_id, attribute, value, user.sub)
    for attribute, value in has.items():
        holder = _holder(txn, pool, attribute, value)
        if holder is not None and holder.sub != user.sub:
            # ForceAliasCreation moves an email or phone number, never a preferred_username.
            movable = attribute in sign_in_names.VERIFIED_FLAG
            if attribute in pool.username_attributes or not (take_aliases and movable):
                wording = sign_in_names.taken_message(attribute)
                if previous is None and attribute in pool.username_attributes:
                    raise UsernameExistsException(wording)  # the name a new user gave
                raise AliasExistsException(wording)
            _unverify(holder, attribute)
            save_user(txn, holder)  # releases the alias
        entry = {"username": user.username, "sub": user.sub}
        txn.put_document(SIGN_IN_NAME_KIND, _name_key(pool.pool_id, attribute, value), entry)


def _unverify(user: User, attribute: str) -> None:
    if attribute == sign_in_names.EMAIL:
        user.email_verified = False
    else:
        user.attributes[sign_in_names.VERIFIED_FLAG[attribute]] = "false"


def _release(txn: WriteTxn, pool_id: str, attribute: str, value: str, sub: str) -> None:
    key = _name_key(pool_id, attribute, value)
    entry = txn.get_document(SIGN_IN_NAME_KIND, key)
    if entry is not None and entry["sub"] == sub:
        txn.delete_document(SIGN_IN_NAME_KIND, key)


def delete_user(txn: WriteTxn, pool_id: str, username: str) -> None:
    """The user, their sign-in names and their pending codes."""
    key = f"{pool_id}/{username.lower()}"
    stored, pool = txn.get_document(USER_KIND, key), get_pool(txn, pool_id)
    if stored is not None and pool is not None:
        user = User.from_document(stored)
        for attribute, value in sign_in_names.sign_in_names(pool, user).items():
            _release(txn, pool_id, attribute, value, user.sub)
    txn.delete_document(USER_KIND, key)
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
