"""USER_SRP_AUTH (InitiateAuth, AdminInitiateAuth) and its PASSWORD_VERIFIER challenge
(RespondToAuthChallenge, AdminRespondToAuthChallenge): the math is `userpool/srp.py`.

The challenge's state (the server's secret b, B, the client's A, the verifier) is filed by
the digest of the SECRET_BLOCK the client echoes back, since SRP clients send no
`Session`; it answers once and lives three minutes. An unknown user, or one whose password
was set before SRP was served (no verifier yet), gets a challenge like anyone else's (salt
derived from the name, so asking twice shows nothing) and then "Incorrect username or
password.", through the same throttle and lockout as a password sign-in (an unknown user
of a LEGACY client gets UserNotFoundException at once).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
import threading
from typing import Any

from dynafed.storage.port import WriteTxn
from dynafed.userpool import srp, store
from dynafed.userpool.api import existence
from dynafed.userpool.api.context import ApiContext, Call
from dynafed.userpool.api.errors import InvalidParameterException, NotAuthorizedException
from dynafed.userpool.api.secret_hash import require_secret_hash
from dynafed.userpool.model import AppClient, User, UserPool
from dynafed.userpool.signin import INCORRECT

log = logging.getLogger(__name__)

PASSWORD_VERIFIER = "PASSWORD_VERIFIER"
SESSION_SECONDS = 180
_FAKE_SALT_KEY = secrets.token_bytes(32)
"""Salts for names without a verifier: the same name gets the same salt in this process."""

PRUNE_SECONDS = 30.0
_last_prune = float("-inf")
_prune_lock = threading.Lock()


def start(
    ctx: ApiContext, pool: UserPool, client: AppClient, params: dict[str, str]
) -> dict[str, Any]:
    username, srp_a = params.get("USERNAME"), params.get("SRP_A")
    if not username:
        raise InvalidParameterException("Missing required parameter USERNAME")
    if not srp_a:
        raise InvalidParameterException("Missing required parameter SRP_A")
    require_secret_hash(client, username, params.get("SECRET_HASH"))
    big_a = srp.parse_a(srp_a)
    if big_a is None:
        raise InvalidParameterException("SRP_A is not a valid SRP value.")
    with ctx.pools.deps.storage.read() as view:
        user = store.find_user(view, pool, username)
    if user is None and existence.reveals(client):
        raise existence.not_found_at_sign_in()
    if user is not None and user.srp_verifier is None:
        log.warning(
            "USER_SRP_AUTH for %s in %s: the password was set before SRP was served, so "
            "there is no verifier until a new password or a USER_PASSWORD_AUTH sign-in",
            user.username,
            pool.pool_id,
        )
    real = user is not None and user.srp_salt is not None and user.srp_verifier is not None
    if user is not None and real:
        salt, verifier, user_id = str(user.srp_salt), str(user.srp_verifier), user.username
    else:
        user_id = user.username if user is not None else username
        salt = _fake_salt(pool.pool_id, user_id)
        verifier = format(secrets.randbelow(srp.N - 2) + 2, "x")  # no password matches
    hello = None
    while hello is None:
        hello = srp.server_hello(verifier, secrets.token_bytes(32))
    secret_block = base64.b64encode(secrets.token_bytes(64)).decode()
    now = ctx.now()
    document = {
        "pool_id": pool.pool_id,
        "client_id": client.client_id,
        "username": user_id,
        "sub": user.sub if user is not None and real else None,
        "password_hash": user.password_hash if user is not None and real else None,
        "a": format(big_a, "x"),
        "b": format(hello.b, "x"),
        "big_b": format(hello.big_b, "x"),
        "verifier": verifier,
        "expires_at": now + SESSION_SECONDS,
    }

    prune = _prune_due(now)

    def write(txn: WriteTxn) -> None:
        if prune:
            for name, doc in txn.list_documents(store.SRP_KIND):
                if doc["expires_at"] <= now:
                    txn.delete_document(store.SRP_KIND, name)
        txn.put_document(store.SRP_KIND, store.digest(secret_block), document)

    ctx.pools.deps.storage.write(write)
    return {
        "ChallengeName": PASSWORD_VERIFIER,
        "ChallengeParameters": {
            "SALT": salt,
            "SRP_B": format(hello.big_b, "x"),
            "SECRET_BLOCK": secret_block,
            "USER_ID_FOR_SRP": user_id,
            "USERNAME": user_id,
        },
    }


def _prune_due(now: float) -> bool:
    """Whether this challenge also clears expired ones: at most every `PRUNE_SECONDS` per
    process, so a flood of unanswered challenges does not make each new one scan them all."""
    global _last_prune
    with _prune_lock:
        if now - _last_prune < PRUNE_SECONDS:
            return False
        _last_prune = now
        return True


def _fake_salt(pool_id: str, username: str) -> str:
    seed = hmac.new(_FAKE_SALT_KEY, f"{pool_id}/{username.lower()}".encode(), hashlib.sha256)
    return srp.salt_hex(seed.digest()[:16])


def answer(
    ctx: ApiContext,
    pool: UserPool,
    client: AppClient,
    answers: dict[str, str],
    call: Call,
) -> User:
    """The user whose PASSWORD_VERIFIER claim holds, or NotAuthorizedException."""
    username = answers.get("USERNAME")
    block, signature = (
        answers.get("PASSWORD_CLAIM_SECRET_BLOCK"),
        answers.get("PASSWORD_CLAIM_SIGNATURE"),
    )
    timestamp = answers.get("TIMESTAMP")
    for name, value in (
        ("USERNAME", username),
        ("PASSWORD_CLAIM_SECRET_BLOCK", block),
        ("PASSWORD_CLAIM_SIGNATURE", signature),
        ("TIMESTAMP", timestamp),
    ):
        if not value:
            raise InvalidParameterException(f"Missing required parameter {name}")
    assert username and block and signature and timestamp
    require_secret_hash(client, username, answers.get("SECRET_HASH"))
    name, now = store.digest(block), ctx.now()

    def take(txn: WriteTxn) -> dict[str, Any] | None:
        doc = txn.get_document(store.SRP_KIND, name)
        if doc is None:
            return None
        txn.delete_document(store.SRP_KIND, name)  # one answer per challenge
        return doc

    doc = ctx.pools.deps.storage.write(take)
    if doc is None or doc["client_id"] != client.client_id or now >= doc["expires_at"]:
        raise NotAuthorizedException("Invalid session for the user.")
    if doc["username"].lower() != username.lower() and not _names_same_user(
        ctx, pool, username, doc["username"]
    ):
        raise NotAuthorizedException(INCORRECT)

    def proves(user: User | None) -> bool:
        if user is None or doc["sub"] is None:
            return False
        hello = srp.ServerHello(int(doc["b"], 16), int(doc["big_b"], 16))
        key = srp.password_key(int(doc["a"], 16), hello, doc["verifier"])
        claimed = key is not None and srp.claim_matches(
            key, pool.pool_id, doc["username"], block, timestamp, signature
        )
        same = (user.sub, user.password_hash) == (doc["sub"], doc["password_hash"])
        return claimed and same

    return ctx.check.prove(pool, doc["username"], proves, call.client_ip)


def _names_same_user(ctx: ApiContext, pool: UserPool, name: str, username: str) -> bool:
    """Whether `name` is another sign-in name (an email, an alias) of user `username`: a
    client may answer the challenge with the name it started with."""
    with ctx.pools.deps.storage.read() as view:
        user = store.find_user(view, pool, name)
    return user is not None and user.username.lower() == username.lower()
