"""Users' long-term access keys: CreateAccessKey, ListAccessKeys, UpdateAccessKey,
DeleteAccessKey, GetAccessKeyLastUsed.

The secret is answered once, by CreateAccessKey, and stored only sealed
(iam/secret_seal.py). At most two keys per user (IAM's quota). A key made inactive or deleted
stops authenticating on every node within the IAM cache bound (iam/user_keys.py).
`UserName` defaults to the calling user (the service fills it in).
"""

from __future__ import annotations

from typing import Any

from dynafed.errors import LimitExceeded, NoSuchEntity
from dynafed.iam import ids, key_last_use, repository
from dynafed.iam.api.context import IamContext
from dynafed.iam.api.inputs import Args
from dynafed.iam.api.pagination import page
from dynafed.iam.api.views import access_key_metadata, timestamp
from dynafed.iam.models import ACTIVE, AccessKey
from dynafed.iam.quotas import ACCESS_KEYS_PER_USER
from dynafed.iam.secret_seal import new_secret_access_key
from dynafed.storage.port import ReadView, WriteTxn


def _no_such_key(key_id: str) -> NoSuchEntity:
    return NoSuchEntity(f"The Access Key with id {key_id} cannot be found.")


def _user_key(view: ReadView, user_name: str, key_id: str) -> AccessKey:
    user = repository.get_user(view, user_name)
    key = repository.find_access_key(view, key_id)
    if key is None or key.user_id != user.user_id:
        raise _no_such_key(key_id)
    return key


def create_access_key(ctx: IamContext, args: Args) -> dict[str, Any]:
    if ctx.sealer is None:
        raise LimitExceeded("This server cannot store access keys.")
    sealer = ctx.sealer
    key_id = ids.access_key_id(ctx.ids)
    secret = new_secret_access_key()
    sealed = sealer.seal(key_id, secret)

    def write(txn: WriteTxn) -> AccessKey:
        user = repository.get_user(txn, args["UserName"])
        if len(user.access_key_ids) >= ACCESS_KEYS_PER_USER:
            raise LimitExceeded(
                f"Cannot exceed quota for AccessKeysPerUser: {ACCESS_KEYS_PER_USER}"
            )
        key = AccessKey(key_id, user.name, user.user_id, ACTIVE, ctx.now(), sealed)
        user.access_key_ids.append(key_id)
        repository.save_access_key(txn, key)
        repository.save_user(txn, user)
        return key

    key = ctx.write(write)
    return {
        "AccessKey": {
            "UserName": key.user_name,
            "AccessKeyId": key.access_key_id,
            "Status": key.status,
            "SecretAccessKey": secret,
            "CreateDate": timestamp(key.created_at),
        }
    }


def list_access_keys(ctx: IamContext, args: Args) -> dict[str, Any]:
    with ctx.read() as view:
        user = repository.get_user(view, args["UserName"])
        keys = [repository.find_access_key(view, key_id) for key_id in user.access_key_ids]
    found = [key for key in keys if key is not None]
    chunk, paging = page(found, lambda key: key.access_key_id, args["Marker"], args["MaxItems"])
    return {"AccessKeyMetadata": [access_key_metadata(key) for key in chunk], **paging}


def update_access_key(ctx: IamContext, args: Args) -> dict[str, Any]:
    status: str = args["Status"]

    def write(txn: WriteTxn) -> None:
        key = _user_key(txn, args["UserName"], args["AccessKeyId"])
        key.status = status
        repository.save_access_key(txn, key)

    ctx.write(write)
    return {}


def delete_access_key(ctx: IamContext, args: Args) -> dict[str, Any]:
    def write(txn: WriteTxn) -> None:
        key = _user_key(txn, args["UserName"], args["AccessKeyId"])
        user = repository.get_user(txn, args["UserName"])
        user.access_key_ids = [k for k in user.access_key_ids if k != key.access_key_id]
        repository.delete_access_key(txn, key)
        key_last_use.forget(txn, key.access_key_id)
        repository.save_user(txn, user)

    ctx.write(write)
    return {}


def get_access_key_last_used(ctx: IamContext, args: Args) -> dict[str, Any]:
    """When, where and for which service the key was last used (recorded within a minute,
    `iam.key_last_use`); a key never used answers IAM's `N/A` service and region."""
    key_id: str = args["AccessKeyId"]
    with ctx.read() as view:
        key = repository.find_access_key(view, key_id)
        use = key_last_use.last_use(view, key_id)
    if key is None:
        raise _no_such_key(key_id)
    if use is None:
        return {
            "UserName": key.user_name,
            "AccessKeyLastUsed": {"ServiceName": "N/A", "Region": "N/A"},
        }
    return {
        "UserName": key.user_name,
        "AccessKeyLastUsed": {
            "LastUsedDate": timestamp(use.used_at),
            "ServiceName": use.service,
            "Region": use.region,
        },
    }
