"""OpenID Connect providers: Create/Get/List/DeleteOpenIDConnectProvider,
AddClientIDToOpenIDConnectProvider, RemoveClientIDFromOpenIDConnectProvider,
UpdateOpenIDConnectProviderThumbprint."""

from __future__ import annotations

import re
from typing import Any

from dynafed.errors import EntityAlreadyExists, InvalidInput, LimitExceeded, NoSuchEntity
from dynafed.iam import repository
from dynafed.iam.api.context import IamContext
from dynafed.iam.api.inputs import Args
from dynafed.iam.api.tags import reject_duplicate_keys, tags_from_args, tags_view
from dynafed.iam.api.views import timestamp
from dynafed.iam.arns import oidc_provider_arn
from dynafed.iam.models import OidcProvider
from dynafed.iam.quotas import (
    CLIENT_IDS_PER_OIDC_PROVIDER,
    OIDC_PROVIDERS_PER_ACCOUNT,
    THUMBPRINTS_PER_OIDC_PROVIDER,
)
from dynafed.identity.oidc.urls import check_provider_url, provider_key
from dynafed.storage.port import WriteTxn

_HEX_THUMBPRINT = re.compile(r"[0-9A-Fa-f]{40}")


def _check_thumbprints(thumbprints: list[str]) -> None:
    if len(thumbprints) > THUMBPRINTS_PER_OIDC_PROVIDER:
        raise InvalidInput("Thumbprint list must contain fewer than 5 entries.")
    for thumbprint in thumbprints:
        if _HEX_THUMBPRINT.fullmatch(thumbprint) is None:
            raise InvalidInput(f"Thumbprint {thumbprint} is not a 40-digit hexadecimal value.")


def _check_client_count(client_ids: list[str]) -> None:
    if len(client_ids) > CLIENT_IDS_PER_OIDC_PROVIDER:
        raise LimitExceeded(
            "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: "
            f"{CLIENT_IDS_PER_OIDC_PROVIDER}"
        )


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def create_open_id_connect_provider(ctx: IamContext, args: Args) -> dict[str, Any]:
    url: str = args["Url"]
    check_provider_url(url)
    _check_client_count(args["ClientIDList"] or [])
    _check_thumbprints(args["ThumbprintList"] or [])
    client_ids = _unique(args["ClientIDList"] or [])
    thumbprints = _unique(args["ThumbprintList"] or [])
    tags = tags_from_args(args["Tags"])
    reject_duplicate_keys(tags, case_insensitive=True)
    provider = OidcProvider(
        url=url,
        arn=oidc_provider_arn(ctx.account_id, provider_key(url)),
        created_at=ctx.now(),
        client_ids=client_ids,
        thumbprints=thumbprints,
        tags=tags,
    )

    def write(txn: WriteTxn) -> None:
        if repository.find_oidc_provider_by_key(txn, provider.key) is not None:
            raise EntityAlreadyExists(f"Provider with url {url} already exists.")
        if len(repository.list_oidc_providers(txn)) >= OIDC_PROVIDERS_PER_ACCOUNT:
            raise LimitExceeded(
                "Cannot exceed quota for OpenIdConnectProvidersPerAccount: "
                f"{OIDC_PROVIDERS_PER_ACCOUNT}"
            )
        repository.save_oidc_provider(txn, provider)

    ctx.write(write)
    return {"OpenIDConnectProviderArn": provider.arn, "Tags": tags_view(tags) or None}


def get_open_id_connect_provider(ctx: IamContext, args: Args) -> dict[str, Any]:
    with ctx.read() as view:
        provider = repository.get_oidc_provider(view, args["OpenIDConnectProviderArn"])
    return {
        "Url": provider.key,
        "ClientIDList": provider.client_ids,
        "ThumbprintList": provider.thumbprints,
        "CreateDate": timestamp(provider.created_at),
        "Tags": tags_view(provider.tags),
    }


def list_open_id_connect_providers(ctx: IamContext, args: Args) -> dict[str, Any]:
    with ctx.read() as view:
        providers = repository.list_oidc_providers(view)
    return {"OpenIDConnectProviderList": [{"Arn": provider.arn} for provider in providers]}


def delete_open_id_connect_provider(ctx: IamContext, args: Args) -> dict[str, Any]:
    arn: str = args["OpenIDConnectProviderArn"]

    def write(txn: WriteTxn) -> None:
        provider = repository.find_oidc_provider(txn, arn)
        if provider is None:
            raise NoSuchEntity(f"OpenId connect Provider {arn} cannot be found.")
        repository.delete_oidc_provider(txn, provider)

    ctx.write(write)
    return {}


def add_client_id_to_open_id_connect_provider(ctx: IamContext, args: Args) -> dict[str, Any]:
    client_id: str = args["ClientID"]

    def write(txn: WriteTxn) -> None:
        provider = repository.get_oidc_provider(txn, args["OpenIDConnectProviderArn"])
        if client_id in provider.client_ids:
            return
        _check_client_count([*provider.client_ids, client_id])
        provider.client_ids.append(client_id)
        repository.save_oidc_provider(txn, provider)

    ctx.write(write)
    return {}


def remove_client_id_from_open_id_connect_provider(ctx: IamContext, args: Args) -> dict[str, Any]:
    client_id: str = args["ClientID"]

    def write(txn: WriteTxn) -> None:
        provider = repository.get_oidc_provider(txn, args["OpenIDConnectProviderArn"])
        # Removing an absent client ID is not an error (API reference: the call is idempotent).
        if client_id in provider.client_ids:
            provider.client_ids.remove(client_id)
            repository.save_oidc_provider(txn, provider)

    ctx.write(write)
    return {}


def update_open_id_connect_provider_thumbprint(ctx: IamContext, args: Args) -> dict[str, Any]:
    _check_thumbprints(args["ThumbprintList"])
    thumbprints = _unique(args["ThumbprintList"])

    def write(txn: WriteTxn) -> None:
        provider = repository.get_oidc_provider(txn, args["OpenIDConnectProviderArn"])
        provider.thumbprints = thumbprints
        repository.save_oidc_provider(txn, provider)

    ctx.write(write)
    return {}
