"""`SECRET_HASH`: what a client with a secret sends with every public call that names a user,
Base64(HMAC-SHA256(key = client secret, message = user name + client id))
(https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash).
Clients without a secret need none; one given to them is ignored."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable

from dynafed.userpool.api.errors import NotAuthorizedException
from dynafed.userpool.model import AppClient


def secret_hash(secret: str, username: str, client_id: str) -> str:
    mac = hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def require_secret_hash(client: AppClient, username: str, given: str | None) -> None:
    require_secret_hash_of(client, (username,), given)


def require_secret_hash_of(client: AppClient, usernames: Iterable[str], given: str | None) -> None:
    """`given` must be the hash of one of `usernames` (a refresh may name the user by its
    user name or its `sub`)."""
    if client.is_public:
        return
    if client.secret is None:
        raise NotAuthorizedException(
            f"Client {client.client_id} has a secret this server kept only a digest of (it was "
            "created before SECRET_HASH was checked): create a new client to use it here."
        )
    if not given:
        raise NotAuthorizedException(
            f"Client {client.client_id} is configured with secret but SECRET_HASH was not received"
        )
    for username in usernames:
        if hmac.compare_digest(secret_hash(client.secret, username, client.client_id), given):
            return
    raise NotAuthorizedException(f"Unable to verify secret hash for client {client.client_id}")
