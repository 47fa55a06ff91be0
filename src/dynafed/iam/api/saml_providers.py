"""SAML providers: Create/Get/List/Update/DeleteSAMLProvider."""

from __future__ import annotations

from typing import Any

from dynafed.errors import EntityAlreadyExists, LimitExceeded
from dynafed.iam import ids, repository
from dynafed.iam.api.context import IamContext
from dynafed.iam.api.inputs import Args
from dynafed.iam.api.tags import reject_duplicate_keys, tags_from_args, tags_view
from dynafed.iam.api.views import timestamp
from dynafed.iam.arns import saml_provider_arn
from dynafed.iam.models import SamlProvider
from dynafed.iam.quotas import SAML_PROVIDERS_PER_ACCOUNT
from dynafed.identity.saml.metadata import effective_valid_until, parse_idp_metadata
from dynafed.storage.port import WriteTxn


def create_saml_provider(ctx: IamContext, args: Args) -> dict[str, Any]:
    name: str = args["Name"]
    tags = tags_from_args(args["Tags"])
    reject_duplicate_keys(tags, case_insensitive=True)
    metadata = parse_idp_metadata(args["SAMLMetadataDocument"])
    now = ctx.now()
    provider = SamlProvider(
        name=name,
        arn=saml_provider_arn(ctx.account_id, name),
        uuid=ids.saml_provider_uuid(ctx.ids),
        created_at=now,
        metadata_document=args["SAMLMetadataDocument"],
        entity_id=metadata.entity_id,
        signing_certificates=metadata.signing_certificates,
        valid_until=effective_valid_until(metadata, now),
        assertion_encryption_mode=args["AssertionEncryptionMode"] or "Allowed",
        tags=tags,
    )

    def write(txn: WriteTxn) -> None:
        if repository.find_saml_provider_by_name(txn, name) is not None:
            raise EntityAlreadyExists(f"SAMLProvider {name} already exists.")
        if len(repository.list_saml_providers(txn)) >= SAML_PROVIDERS_PER_ACCOUNT:
            raise LimitExceeded(
                f"Cannot exceed quota for SAMLProvidersPerAccount: {SAML_PROVIDERS_PER_ACCOUNT}"
            )
        repository.save_saml_provider(txn, provider)

    ctx.write(write)
    return {"SAMLProviderArn": provider.arn, "Tags": tags_view(tags) or None}


def get_saml_provider(ctx: IamContext, args: Args) -> dict[str, Any]:
    with ctx.read() as view:
        provider = repository.get_saml_provider(view, args["SAMLProviderArn"])
    return {
        "SAMLProviderUUID": provider.uuid,
        "SAMLMetadataDocument": provider.metadata_document,
        "CreateDate": timestamp(provider.created_at),
        "ValidUntil": timestamp(provider.valid_until),
        "Tags": tags_view(provider.tags),
        "AssertionEncryptionMode": provider.assertion_encryption_mode,
        "PrivateKeyList": [],
    }


def list_saml_providers(ctx: IamContext, args: Args) -> dict[str, Any]:
    with ctx.read() as view:
        providers = repository.list_saml_providers(view)
    return {
        "SAMLProviderList": [
            {
                "Arn": provider.arn,
                "ValidUntil": timestamp(provider.valid_until),
                "CreateDate": timestamp(provider.created_at),
            }
            for provider in providers
        ]
    }


def update_saml_provider(ctx: IamContext, args: Args) -> dict[str, Any]:
    document: str | None = args["SAMLMetadataDocument"]
    metadata = parse_idp_metadata(document) if document is not None else None

    def write(txn: WriteTxn) -> SamlProvider:
        provider = repository.get_saml_provider(txn, args["SAMLProviderArn"])
        if metadata is not None and document is not None:
            provider.metadata_document = document
            provider.entity_id = metadata.entity_id
            provider.signing_certificates = metadata.signing_certificates
            provider.valid_until = effective_valid_until(metadata, provider.created_at)
        if args["AssertionEncryptionMode"] is not None:
            provider.assertion_encryption_mode = args["AssertionEncryptionMode"]
        repository.save_saml_provider(txn, provider)
        return provider

    provider = ctx.write(write)
    return {"SAMLProviderArn": provider.arn}


def delete_saml_provider(ctx: IamContext, args: Args) -> dict[str, Any]:
    def write(txn: WriteTxn) -> None:
        provider = repository.get_saml_provider(txn, args["SAMLProviderArn"])
        repository.delete_saml_provider(txn, provider)

    ctx.write(write)
    return {}
