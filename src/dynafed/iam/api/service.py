"""The IAM API behind the Query-protocol edge: one table from action name to use case.

`handle` validates the flat form parameters against the action's input shape (IAM's
`ValidationError`s), then runs the use case, whose result dict is the content of
`<{Action}Result>`. Only the account's admin credentials may call IAM; enforcing IAM
actions for temporary sessions is not served.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from dynafed.auth.principal import Principal
from dynafed.core.clock import Clock
from dynafed.errors import AccessDenied, InvalidAction
from dynafed.iam.api import (
    attachments,
    boundaries,
    managed_policies,
    oidc_providers,
    role_policies,
    role_tags,
    roles,
    saml_providers,
)
from dynafed.iam.api.context import IamContext
from dynafed.iam.api.inputs import INPUTS
from dynafed.iam.api.shapes import Args, read_input
from dynafed.iam.ids import IdSource, RandomIds
from dynafed.iam.simulator import simulate as simulator
from dynafed.storage.port import Storage

UseCase = Callable[[IamContext, Args], dict[str, Any]]

USE_CASES: dict[str, UseCase] = {
    "CreateRole": roles.create_role,
    "GetRole": roles.get_role,
    "ListRoles": roles.list_roles,
    "UpdateRole": roles.update_role,
    "UpdateAssumeRolePolicy": roles.update_assume_role_policy,
    "DeleteRole": roles.delete_role,
    "TagRole": role_tags.tag_role,
    "UntagRole": role_tags.untag_role,
    "ListRoleTags": role_tags.list_role_tags,
    "PutRolePolicy": role_policies.put_role_policy,
    "GetRolePolicy": role_policies.get_role_policy,
    "ListRolePolicies": role_policies.list_role_policies,
    "DeleteRolePolicy": role_policies.delete_role_policy,
    "CreatePolicy": managed_policies.create_policy,
    "GetPolicy": managed_policies.get_policy,
    "DeletePolicy": managed_policies.delete_policy,
    "ListPolicies": managed_policies.list_policies,
    "GetPolicyVersion": managed_policies.get_policy_version,
    "CreatePolicyVersion": managed_policies.create_policy_version,
    "DeletePolicyVersion": managed_policies.delete_policy_version,
    "SetDefaultPolicyVersion": managed_policies.set_default_policy_version,
    "ListPolicyVersions": managed_policies.list_policy_versions,
    "AttachRolePolicy": attachments.attach_role_policy,
    "DetachRolePolicy": attachments.detach_role_policy,
    "ListAttachedRolePolicies": attachments.list_attached_role_policies,
    "PutRolePermissionsBoundary": boundaries.put_role_permissions_boundary,
    "DeleteRolePermissionsBoundary": boundaries.delete_role_permissions_boundary,
    "CreateOpenIDConnectProvider": oidc_providers.create_open_id_connect_provider,
    "GetOpenIDConnectProvider": oidc_providers.get_open_id_connect_provider,
    "ListOpenIDConnectProviders": oidc_providers.list_open_id_connect_providers,
    "DeleteOpenIDConnectProvider": oidc_providers.delete_open_id_connect_provider,
    "AddClientIDToOpenIDConnectProvider": (
        oidc_providers.add_client_id_to_open_id_connect_provider
    ),
    "RemoveClientIDFromOpenIDConnectProvider": (
        oidc_providers.remove_client_id_from_open_id_connect_provider
    ),
    "UpdateOpenIDConnectProviderThumbprint": (
        oidc_providers.update_open_id_connect_provider_thumbprint
    ),
    "CreateSAMLProvider": saml_providers.create_saml_provider,
    "GetSAMLProvider": saml_providers.get_saml_provider,
    "ListSAMLProviders": saml_providers.list_saml_providers,
    "UpdateSAMLProvider": saml_providers.update_saml_provider,
    "DeleteSAMLProvider": saml_providers.delete_saml_provider,
    "SimulateCustomPolicy": simulator.simulate_custom_policy,
    "SimulatePrincipalPolicy": simulator.simulate_principal_policy,
}

IAM_VERSION = "2010-05-08"


class IamService:
    def __init__(
        self, storage: Storage, account_id: str, clock: Clock, ids: IdSource | None = None
    ) -> None:
        self.context = IamContext(storage, account_id, clock, ids or RandomIds())

    def handle(
        self, action: str, params: Mapping[str, str], caller: Principal | None
    ) -> dict[str, Any]:
        use_case = USE_CASES.get(action)
        if use_case is None:
            raise InvalidAction(f"Could not find operation {action} for version {IAM_VERSION}")
        if caller is None or not caller.is_admin:
            who = caller.arn if caller is not None else "anonymous"
            raise AccessDenied(f"User: {who} is not authorized to perform: iam:{action}")
        return use_case(self.context, read_input(params, INPUTS[action]))
