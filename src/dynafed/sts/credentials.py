"""Temporary credentials: an `ASIA…` access key id, a secret key and a sealed session token.

Shapes follow the STS Credentials type
(https://docs.aws.amazon.com/STS/latest/APIReference/API_Credentials.html): access key ids of
temporary credentials start with `ASIA` and are 20 characters like long-term `AKIA` ids;
secret keys are 40 characters. Any node holding the keyring verifies them without a database
read, because the session travels inside the token (see `session_token`); the requests
made with them are resolved back to their session by `session_resolver`.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from dynafed.auth.principal import Principal, SessionContext, SessionKind
from dynafed.iam.arns import user_arn
from dynafed.sts.session_token import Keyring, RandomBytes, seal_session_token


@dataclass(frozen=True, slots=True)
class TemporaryCredentials:
    access_key_id: str
    secret_access_key: str
    session_token: str
    expiration: float
    """Seconds since the epoch (the session's `expires_at`)."""


def new_access_key_id(random_bytes: RandomBytes) -> str:
    """`ASIA` + 16 characters of RFC 4648 base32 (A-Z, 2-7), 80 random bits."""
    return "ASIA" + base64.b32encode(random_bytes(10)).decode("ascii")


def new_secret_access_key(random_bytes: RandomBytes) -> str:
    """40 characters of base64 (240 random bits), the alphabet AWS secret keys use."""
    return base64.b64encode(random_bytes(30)).decode("ascii")


def issue_credentials(
    session: SessionContext, keyring: Keyring, random_bytes: RandomBytes
) -> TemporaryCredentials:
    access_key_id = new_access_key_id(random_bytes)
    secret = new_secret_access_key(random_bytes)
    token = seal_session_token(session, secret, access_key_id, keyring, random_bytes)
    return TemporaryCredentials(access_key_id, secret, token, session.expires_at)


def assumed_role_arn(role_arn: str, session_name: str) -> str:
    """`arn:aws:sts::<acct>:assumed-role/<RoleName>/<session>`; the role's path is dropped
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns)."""
    account, role_name = _account_and_role_name(role_arn)
    return f"arn:aws:sts::{account}:assumed-role/{role_name}/{session_name}"


def federated_user_arn(account_id: str, name: str) -> str:
    """`arn:aws:sts::<acct>:federated-user/<name>` (GetFederationToken's `FederatedUser.Arn`)."""
    return f"arn:aws:sts::{account_id}:federated-user/{name}"


def session_principal(
    access_key_id: str, session: SessionContext, account_id: str | None = None
) -> Principal:
    """Who a session's requests come from. Sessions a user or the account minted for
    themselves act as them (GetSessionToken); federated users have their own ARN, and
    `<account>:<name>` as `aws:userid` (IAM User Guide, reference_policies_variables,
    "Information available in all requests")."""
    if not session.is_role_session:
        return _minted_by_caller(access_key_id, session, account_id or "")
    account, _ = _account_and_role_name(session.role_arn)
    return Principal(
        access_key_id=access_key_id,
        account_id=account,
        arn=assumed_role_arn(session.role_arn, session.session_name),
        user_id=f"{session.role_id}:{session.session_name}",
        session=session,
    )


def _minted_by_caller(access_key_id: str, session: SessionContext, account: str) -> Principal:
    user = session.user
    if session.kind is SessionKind.FEDERATED_USER:
        return Principal(
            access_key_id=access_key_id,
            account_id=account,
            arn=federated_user_arn(account, session.session_name),
            user_id=f"{account}:{session.session_name}",
            session=session,
        )
    if user is None:  # the account's own GetSessionToken session
        return Principal(access_key_id, account, f"arn:aws:iam::{account}:root", account, session)
    return Principal(
        access_key_id=access_key_id,
        account_id=account,
        arn=user_arn(account, user.path, user.name),
        user_id=user.user_id,
        session=session,
        user=user,
    )


def _account_and_role_name(role_arn: str) -> tuple[str, str]:
    # arn:aws:iam::<account>:role/<path/>RoleName
    parts = role_arn.split(":", 5)
    return parts[4], parts[5].rsplit("/", 1)[-1]
