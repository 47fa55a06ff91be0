"""The IAM API behind the Query-protocol edge: one table from action name to use case.

`handle` validates the flat form parameters against the action's input shape (IAM's
`ValidationError`s), then runs the use case, whose result dict is the content of
`<{Action}Result>`. The account's admin credentials may call every action; any other
caller (an IAM user's key, a role session) is authorized by its own policies for
`iam:<Action>` on the entity the action names (authorization.py). Actions whose `UserName`
is optional (GetUser, the access-key actions) act on the calling user when it is omitted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from dynafed.auth.principal import Principal
from dynafed.core.authorization import Authorizer
from dynafed.core.clock import Clock
from dynafed.errors import (
    AccessDenied,
    AccessDeniedException,
    InvalidAction,
    InvalidClientTokenId,
    ValidationError,
)
from dynafed.iam.api import (
    access_keys,
    account,
    account_details,
    boundaries,
    credential_report,
    entity_tags,
    groups,
    instance_profiles,
    managed_policies,
    member_policies,
    oidc_providers,
    other_credentials,
    policy_entities,
    role_policies,
    role_tags,
    roles,
    saml_providers,
    service_access,
    users,
)
from dynafed.iam.api.authorization import authorization_request
from dynafed.iam.api.context import IamContext
from dynafed.iam.api.inputs import Args, read_input
from dynafed.iam.api.member_policies import GROUP, ROLE, USER
from dynafed.iam.api.views import timestamp
from dynafed.iam.aws_managed import is_aws_managed
from dynafed.iam.ids import IdSource, RandomIds
from dynafed.iam.secret_seal import SecretSealer
from dynafed.iam.simulator import context_keys
from dynafed.iam.simulator import simulate as simulator
from dynafed.storage.port import Storage

UseCase = Callable[[IamContext, Args], dict[str, Any]]

USE_CASES: dict[str, UseCase] = {
    "CreateRole": roles.create_role,
    "GetRole": roles.get_role,
    "ListRoles": roles.list_roles,
    "UpdateRole": roles.update_role,
    "UpdateAssumeRolePolicy": roles.update_assume_role_policy,
    "UpdateRoleDescription": roles.update_role_description,
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
    "AttachRolePolicy": member_policies.attach_policy(ROLE),
    "DetachRolePolicy": member_policies.detach_policy(ROLE),
    "ListAttachedRolePolicies": member_policies.list_attached_policies(ROLE),
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
    "CreateUser": users.create_user,
    "GetUser": users.get_user,
    "ListUsers": users.list_users,
    "UpdateUser": users.update_user,
    "DeleteUser": users.delete_user,
    "TagUser": users.tag_user,
    "UntagUser": users.untag_user,
    "ListUserTags": users.list_user_tags,
    "PutUserPermissionsBoundary": boundaries.put_user_permissions_boundary,
    "DeleteUserPermissionsBoundary": boundaries.delete_user_permissions_boundary,
    "PutUserPolicy": member_policies.put_policy(USER),
    "GetUserPolicy": member_policies.get_policy(USER),
    "ListUserPolicies": member_policies.list_policies(USER),
    "DeleteUserPolicy": member_policies.delete_policy(USER),
    "AttachUserPolicy": member_policies.attach_policy(USER),
    "DetachUserPolicy": member_policies.detach_policy(USER),
    "ListAttachedUserPolicies": member_policies.list_attached_policies(USER),
    "CreateAccessKey": access_keys.create_access_key,
    "ListAccessKeys": access_keys.list_access_keys,
    "UpdateAccessKey": access_keys.update_access_key,
    "DeleteAccessKey": access_keys.delete_access_key,
    "GetAccessKeyLastUsed": access_keys.get_access_key_last_used,
    "CreateGroup": groups.create_group,
    "GetGroup": groups.get_group,
    "ListGroups": groups.list_groups,
    "UpdateGroup": groups.update_group,
    "DeleteGroup": groups.delete_group,
    "AddUserToGroup": groups.add_user_to_group,
    "RemoveUserFromGroup": groups.remove_user_from_group,
    "ListGroupsForUser": groups.list_groups_for_user,
    "PutGroupPolicy": member_policies.put_policy(GROUP),
    "GetGroupPolicy": member_policies.get_policy(GROUP),
    "ListGroupPolicies": member_policies.list_policies(GROUP),
    "DeleteGroupPolicy": member_policies.delete_policy(GROUP),
    "AttachGroupPolicy": member_policies.attach_policy(GROUP),
    "DetachGroupPolicy": member_policies.detach_policy(GROUP),
    "ListAttachedGroupPolicies": member_policies.list_attached_policies(GROUP),
    "CreateInstanceProfile": instance_profiles.create_instance_profile,
    "GetInstanceProfile": instance_profiles.get_instance_profile,
    "DeleteInstanceProfile": instance_profiles.delete_instance_profile,
    "ListInstanceProfiles": instance_profiles.list_instance_profiles,
    "AddRoleToInstanceProfile": instance_profiles.add_role_to_instance_profile,
    "RemoveRoleFromInstanceProfile": instance_profiles.remove_role_from_instance_profile,
    "ListInstanceProfilesForRole": instance_profiles.list_instance_profiles_for_role,
    "TagPolicy": entity_tags.tag(entity_tags.POLICY),
    "UntagPolicy": entity_tags.untag(entity_tags.POLICY),
    "ListPolicyTags": entity_tags.list_tags(entity_tags.POLICY),
    "TagOpenIDConnectProvider": entity_tags.tag(entity_tags.OIDC_PROVIDER),
    "UntagOpenIDConnectProvider": entity_tags.untag(entity_tags.OIDC_PROVIDER),
    "ListOpenIDConnectProviderTags": entity_tags.list_tags(entity_tags.OIDC_PROVIDER),
    "TagSAMLProvider": entity_tags.tag(entity_tags.SAML_PROVIDER),
    "UntagSAMLProvider": entity_tags.untag(entity_tags.SAML_PROVIDER),
    "ListSAMLProviderTags": entity_tags.list_tags(entity_tags.SAML_PROVIDER),
    "TagInstanceProfile": entity_tags.tag(entity_tags.INSTANCE_PROFILE),
    "UntagInstanceProfile": entity_tags.untag(entity_tags.INSTANCE_PROFILE),
    "ListInstanceProfileTags": entity_tags.list_tags(entity_tags.INSTANCE_PROFILE),
    "GetAccountAuthorizationDetails": account_details.get_account_authorization_details,
    "GetAccountSummary": account.get_account_summary,
    "GenerateCredentialReport": credential_report.generate_credential_report,
    "GetCredentialReport": credential_report.get_credential_report,
    "ListAccountAliases": account.list_account_aliases,
    "CreateAccountAlias": account.create_account_alias,
    "DeleteAccountAlias": account.delete_account_alias,
    "GetAccountPasswordPolicy": account.get_account_password_policy,
    "ListEntitiesForPolicy": policy_entities.list_entities_for_policy,
    "ListPoliciesGrantingServiceAccess": service_access.list_policies_granting_service_access,
    "GetLoginProfile": other_credentials.get_login_profile,
    "ListMFADevices": other_credentials.list_mfa_devices,
    "ListVirtualMFADevices": other_credentials.list_virtual_mfa_devices,
    "ListSSHPublicKeys": other_credentials.list_ssh_public_keys,
    "ListSigningCertificates": other_credentials.list_signing_certificates,
    "ListServiceSpecificCredentials": other_credentials.list_service_specific_credentials,
    "ListServerCertificates": other_credentials.list_server_certificates,
    "GetServerCertificate": other_credentials.get_server_certificate,
    "GetContextKeysForCustomPolicy": context_keys.get_context_keys_for_custom_policy,
    "GetContextKeysForPrincipalPolicy": context_keys.get_context_keys_for_principal_policy,
    "SimulateCustomPolicy": simulator.simulate_custom_policy,
    "SimulatePrincipalPolicy": simulator.simulate_principal_policy,
}

IAM_VERSION = "2010-05-08"
INVALID_SESSION_FOR_IAM = "The security token included in the request is invalid"

CALLER_DEFAULT_ACTIONS = frozenset(
    {
        "GetUser",
        "CreateAccessKey",
        "ListAccessKeys",
        "UpdateAccessKey",
        "DeleteAccessKey",
        "GetLoginProfile",
        "ListMFADevices",
        "ListSSHPublicKeys",
        "ListSigningCertificates",
    }
)
"""Actions whose `UserName` defaults to the calling user."""

AWS_POLICY_IMMUTABLE_ACTIONS = frozenset(
    {
        "DeletePolicy",
        "CreatePolicyVersion",
        "DeletePolicyVersion",
        "SetDefaultPolicyVersion",
        "TagPolicy",
        "UntagPolicy",
    }
)
"""AWS managed policies belong to AWS's account: no account may change them, so IAM
refuses these as it refuses any action on another account's resource."""

AuthorizerFor = Callable[[Principal], Authorizer]


class IamService:
    def __init__(
        self,
        storage: Storage,
        account_id: str,
        clock: Clock,
        ids: IdSource | None = None,
        *,
        sealer: SecretSealer | None = None,
        authorizer_for: AuthorizerFor | None = None,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self.context = IamContext(storage, account_id, clock, ids or RandomIds(), sealer, on_change)
        self._authorizer_for = authorizer_for
        """None: only the admin may call IAM."""

    def handle(
        self, action: str, params: Mapping[str, str], caller: Principal | None
    ) -> dict[str, Any]:
        use_case = USE_CASES.get(action)
        if use_case is None:
            raise InvalidAction(f"Could not find operation {action} for version {IAM_VERSION}")
        if caller is None:
            raise AccessDenied(f"User: anonymous is not authorized to perform: iam:{action}")
        if caller.session is not None and not caller.session.is_role_session:
            # GetSessionToken sessions call IAM only with MFA (which dynafed lacks),
            # federated users never (STS API reference, "Permissions").
            raise InvalidClientTokenId(INVALID_SESSION_FOR_IAM)
        if not caller.is_admin and self._authorizer_for is None:
            raise AccessDenied(f"User: {caller.arn} is not authorized to perform: iam:{action}")
        args = read_input(params, action)
        if action in CALLER_DEFAULT_ACTIONS and args["UserName"] is None:
            if caller.user is None:
                if action == "GetUser" and caller.is_admin:
                    return {"User": self._root_user(caller)}
                raise ValidationError(
                    "Must specify userName when calling with non-User credentials"
                )
            args["UserName"] = caller.user.name
        if not caller.is_admin:
            self._authorize(caller, action, args)
        if action in AWS_POLICY_IMMUTABLE_ACTIONS and is_aws_managed(args["PolicyArn"]):
            raise AccessDenied(
                f"User: {caller.arn} is not authorized to perform: iam:{action} on resource: "
                f"policy {args['PolicyArn']}"
            )
        return use_case(self.context, args)

    def _authorize(self, caller: Principal, action: str, args: dict[str, Any]) -> None:
        assert self._authorizer_for is not None
        with self.context.read() as view:
            asked = authorization_request(view, self.context.account_id, action, args)
        try:
            self._authorizer_for(caller).authorize([asked])
        except AccessDeniedException as denied:
            raise AccessDenied(denied.message) from denied

    def _root_user(self, caller: Principal) -> dict[str, Any]:
        """GetUser with the account's own (admin) credentials: the root user, as IAM answers."""
        return {
            "UserId": caller.account_id,
            "Arn": caller.arn,
            "CreateDate": timestamp(0),
        }
