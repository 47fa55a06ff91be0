"""Administering pools, app clients and users: what `dynafed users …` and the demo call."""

from __future__ import annotations

import secrets
import string
import uuid
from dataclasses import dataclass

from dynafed.core.clock import Clock
from dynafed.storage.port import ReadView, Storage, WriteTxn
from dynafed.userpool import codes, store
from dynafed.userpool.credentials import credentials
from dynafed.userpool.model import (
    POOL_ID_PATTERN,
    USERNAME_PATTERN,
    AppClient,
    LockoutRules,
    User,
    UserPool,
)
from dynafed.userpool.passwords import Passwords

_ID_ALPHABET = string.ascii_letters + string.digits
_CLIENT_ALPHABET = string.ascii_lowercase + string.digits


class AdminError(ValueError):
    """A refused administrative change; the message is for the operator."""


def new_pool_id(region: str) -> str:
    """`<region>_<9 letters/digits>`, the shape of Cognito's user pool ids."""
    return f"{region}_" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(9))


def new_client_id() -> str:
    return "".join(secrets.choice(_CLIENT_ALPHABET) for _ in range(26))


def new_client_secret() -> str:
    """51 lowercase letters and digits (about 263 bits), the shape of Cognito's secrets,
    which the service model's `ClientSecretType` pattern (`[\\w+]+`) allows."""
    return "".join(secrets.choice(_CLIENT_ALPHABET) for _ in range(51))


@dataclass(frozen=True, slots=True)
class CreatedClient:
    client: AppClient
    secret: str | None
    """Also repeated by the API's DescribeUserPoolClient (SECRET_HASH needs it stored)."""


class UserPoolAdmin:
    def __init__(self, storage: Storage, clock: Clock, passwords: Passwords) -> None:
        self._storage = storage
        self._clock = clock
        self._passwords = passwords

    def create_pool(self, pool_id: str, name: str, lockout: LockoutRules | None = None) -> UserPool:
        if not POOL_ID_PATTERN.fullmatch(pool_id) or len(pool_id) > 55:
            raise AdminError(f"pool id {pool_id!r} must look like us-east-1_AbC123")
        pool = UserPool(pool_id, name, self._clock.now(), lockout or LockoutRules())

        def write(txn: WriteTxn) -> UserPool:
            existing = store.get_pool(txn, pool_id)
            if existing is not None:
                return existing
            store.save_pool(txn, pool)
            return pool

        return self._storage.write(write)

    def create_client(
        self,
        pool_id: str,
        name: str,
        callback_urls: list[str],
        *,
        confidential: bool = False,
        client_id: str | None = None,
        refresh_token_seconds: int = 30 * 86_400,
    ) -> CreatedClient:
        secret = new_client_secret() if confidential else None
        client = AppClient(
            pool_id=pool_id,
            client_id=client_id or new_client_id(),
            name=name,
            callback_urls=list(callback_urls),
            secret_sha256=store.digest(secret) if secret is not None else None,
            secret=secret,
            refresh_token_seconds=refresh_token_seconds,
        )

        def write(txn: WriteTxn) -> None:
            self._require_pool(txn, pool_id)
            store.save_client(txn, client)

        self._storage.write(write)
        return CreatedClient(client, secret)

    def add_user(
        self, pool_id: str, username: str, password: str, email: str | None = None
    ) -> User:
        if not USERNAME_PATTERN.fullmatch(username):
            raise AdminError(f"user name {username!r} may use letters, digits and .@+=,-")
        kept = credentials(self._passwords, pool_id, username, password)
        user = User(
            pool_id=pool_id,
            username=username,
            sub=str(uuid.uuid4()),
            password_hash=kept.password_hash,
            created_at=self._clock.now(),
            email=email,
            srp_salt=kept.srp_salt,
            srp_verifier=kept.srp_verifier,
        )

        def write(txn: WriteTxn) -> None:
            self._require_pool(txn, pool_id)
            if store.get_user(txn, pool_id, username) is not None:
                raise AdminError(f"user {username!r} already exists in {pool_id}")
            store.save_user(txn, user)

        self._storage.write(write)
        return user

    def set_password(self, pool_id: str, username: str, password: str) -> None:
        """A new password also lifts a lockout."""
        with self._storage.read() as view:
            stored = store.get_user(view, pool_id, username)
        kept = credentials(
            self._passwords, pool_id, stored.username if stored else username, password
        )

        def write(txn: WriteTxn) -> None:
            user = self._require_user(txn, pool_id, username)
            user.set_password(kept)
            user.failed_attempts, user.locked_until = 0, 0.0
            store.save_user(txn, user)

        self._storage.write(write)

    def delete_user(self, pool_id: str, username: str) -> None:
        def write(txn: WriteTxn) -> None:
            self._require_user(txn, pool_id, username)
            store.delete_user(txn, pool_id, username)

        self._storage.write(write)

    def list_users(self, pool_id: str) -> list[User]:
        with self._storage.read() as view:
            self._require_pool(view, pool_id)
            return store.list_users(view, pool_id)

    def list_pools(self) -> list[UserPool]:
        with self._storage.read() as view:
            return store.list_pools(view)

    def outbox(self, pool_id: str) -> list[codes.Message]:
        """The codes the pool's users were "sent", oldest first."""
        with self._storage.read() as view:
            self._require_pool(view, pool_id)
            return codes.outbox(view, pool_id)

    def list_clients(self, pool_id: str) -> list[AppClient]:
        with self._storage.read() as view:
            return store.list_clients(view, pool_id)

    @staticmethod
    def _require_pool(view: ReadView, pool_id: str) -> UserPool:
        pool = store.get_pool(view, pool_id)
        if pool is None:
            raise AdminError(f"no user pool {pool_id!r}")
        return pool

    @staticmethod
    def _require_user(txn: WriteTxn, pool_id: str, username: str) -> User:
        user = store.get_user(txn, pool_id, username)
        if user is None:
            raise AdminError(f"no user {username!r} in {pool_id}")
        return user
