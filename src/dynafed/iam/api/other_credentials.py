"""The credentials dynafed does not issue — console passwords (login profiles), MFA
devices, SSH public keys, signing certificates, service-specific credentials, server
certificates — answered as IAM answers for a user (or an account) that has none, so tools
that look for them before deleting a user (`terraform destroy` with `force_destroy`,
account audits) work unchanged.
"""

from __future__ import annotations

from typing import Any

from dynafed.errors import NoSuchEntity
from dynafed.iam import repository
from dynafed.iam.api.context import IamContext
from dynafed.iam.api.inputs import Args

NOT_TRUNCATED = {"IsTruncated": False}


def _existing_user(ctx: IamContext, args: Args) -> str:
    with ctx.read() as view:
        return repository.get_user(view, args["UserName"]).name


def get_login_profile(ctx: IamContext, args: Args) -> dict[str, Any]:
    name = _existing_user(ctx, args)
    raise NoSuchEntity(f"Login Profile for User {name} cannot be found.")


def list_mfa_devices(ctx: IamContext, args: Args) -> dict[str, Any]:
    _existing_user(ctx, args)
    return {"MFADevices": [], **NOT_TRUNCATED}


def list_virtual_mfa_devices(ctx: IamContext, args: Args) -> dict[str, Any]:
    return {"VirtualMFADevices": [], **NOT_TRUNCATED}


def list_ssh_public_keys(ctx: IamContext, args: Args) -> dict[str, Any]:
    _existing_user(ctx, args)
    return {"SSHPublicKeys": [], **NOT_TRUNCATED}


def list_signing_certificates(ctx: IamContext, args: Args) -> dict[str, Any]:
    _existing_user(ctx, args)
    return {"Certificates": [], **NOT_TRUNCATED}


def list_service_specific_credentials(ctx: IamContext, args: Args) -> dict[str, Any]:
    if args["UserName"] is not None:
        _existing_user(ctx, args)
    return {"ServiceSpecificCredentials": [], **NOT_TRUNCATED}


def list_server_certificates(ctx: IamContext, args: Args) -> dict[str, Any]:
    return {"ServerCertificateMetadataList": [], **NOT_TRUNCATED}


def get_server_certificate(ctx: IamContext, args: Args) -> dict[str, Any]:
    name = args["ServerCertificateName"]
    raise NoSuchEntity(f"The Server Certificate with name {name} cannot be found.")
