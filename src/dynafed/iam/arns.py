"""ARNs of IAM entities (`arn:aws:iam::ACCOUNT:role/path/Name`, ...)."""

from __future__ import annotations

import re

# arn:partition:service:region:account:resource, with a non-empty resource.
_ARN = re.compile(r"arn:[^:]+:[^:]*:[^:]*:[^:]*:.+", re.DOTALL)
_POLICY_ARN = re.compile(r"arn:aws:iam::(\d{12}|aws):policy(/.*/|/)([^/]+)", re.DOTALL)


def role_arn(account_id: str, path: str, name: str) -> str:
    return f"arn:aws:iam::{account_id}:role{path}{name}"


def user_arn(account_id: str, path: str, name: str) -> str:
    return f"arn:aws:iam::{account_id}:user{path}{name}"


def group_arn(account_id: str, path: str, name: str) -> str:
    return f"arn:aws:iam::{account_id}:group{path}{name}"


def instance_profile_arn(account_id: str, path: str, name: str) -> str:
    return f"arn:aws:iam::{account_id}:instance-profile{path}{name}"


def policy_arn(account_id: str, path: str, name: str) -> str:
    return f"arn:aws:iam::{account_id}:policy{path}{name}"


def oidc_provider_arn(account_id: str, url_without_scheme: str) -> str:
    return f"arn:aws:iam::{account_id}:oidc-provider/{url_without_scheme}"


def saml_provider_arn(account_id: str, name: str) -> str:
    return f"arn:aws:iam::{account_id}:saml-provider/{name}"


def is_arn(text: str) -> bool:
    return _ARN.fullmatch(text) is not None


def is_policy_arn(text: str) -> bool:
    return _POLICY_ARN.fullmatch(text) is not None
