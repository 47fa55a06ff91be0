"""The cognito-idp API behind the JSON 1.1 edge: operation name → use case.

InitiateAuth, RespondToAuthChallenge, SignUp, ConfirmSignUp, ResendConfirmationCode … are
unsigned (`authtype: none` in the service model): apps call them before they have
credentials. Every other operation is signed and
authorized as IAM action `cognito-idp:<Operation>` on the pool's ARN (`*` for
CreateUserPool and ListUserPools): admin credentials may do everything, a role session or
IAM user what its policies allow, with IAM's `AccessDeniedException` otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dynafed.core.authorization import AuthorizationRequest
from dynafed.errors import CognitoUnknownOperation, NotAuthorizedException
from dynafed.userpool.api import (
    auth,
    clients,
    confirmation,
    custom_attributes,
    groups,
    own_account,
    pools,
    recovery,
    users,
    validation,
)
from dynafed.userpool.api.context import ApiContext, Call

UseCase = Callable[[ApiContext, dict[str, Any], Call], dict[str, Any]]
TARGET_PREFIX = "AWSCognitoIdentityProviderService."

USE_CASES: dict[str, UseCase] = {
    "CreateUserPool": pools.create,
    "DescribeUserPool": pools.describe,
    "ListUserPools": pools.list_pools,
    "UpdateUserPool": pools.update,
    "DeleteUserPool": pools.delete,
    "AddCustomAttributes": custom_attributes.add_custom_attributes,
    "CreateUserPoolClient": clients.create,
    "DescribeUserPoolClient": clients.describe,
    "UpdateUserPoolClient": clients.update,
    "ListUserPoolClients": clients.list_clients,
    "DeleteUserPoolClient": clients.delete,
    "AdminCreateUser": users.admin_create_user,
    "AdminSetUserPassword": users.admin_set_user_password,
    "AdminGetUser": users.admin_get_user,
    "AdminDeleteUser": users.admin_delete_user,
    "ListUsers": users.list_users,
    "AdminUpdateUserAttributes": users.admin_update_user_attributes,
    "AdminDeleteUserAttributes": users.admin_delete_user_attributes,
    "AdminDisableUser": users.admin_disable_user,
    "AdminEnableUser": users.admin_enable_user,
    "AdminInitiateAuth": auth.admin_initiate_auth,
    "AdminRespondToAuthChallenge": auth.admin_respond_to_auth_challenge,
    "InitiateAuth": auth.initiate_auth,
    "RespondToAuthChallenge": auth.respond_to_auth_challenge,
    "SignUp": confirmation.sign_up,
    "ConfirmSignUp": confirmation.confirm_sign_up,
    "ResendConfirmationCode": confirmation.resend_confirmation_code,
    "AdminConfirmSignUp": confirmation.admin_confirm_sign_up,
    "ForgotPassword": recovery.forgot_password,
    "ConfirmForgotPassword": recovery.confirm_forgot_password,
    "AdminResetUserPassword": recovery.admin_reset_user_password,
    "GetUser": own_account.get_user,
    "UpdateUserAttributes": own_account.update_user_attributes,
    "DeleteUserAttributes": own_account.delete_user_attributes,
    "GetUserAttributeVerificationCode": own_account.get_user_attribute_verification_code,
    "VerifyUserAttribute": own_account.verify_user_attribute,
    "DeleteUser": own_account.delete_user,
    "ChangePassword": own_account.change_password,
    "GlobalSignOut": own_account.global_sign_out,
    "AdminUserGlobalSignOut": own_account.admin_user_global_sign_out,
    "RevokeToken": own_account.revoke_token,
    "CreateGroup": groups.create_group,
    "GetGroup": groups.get_group,
    "ListGroups": groups.list_groups,
    "UpdateGroup": groups.update_group,
    "DeleteGroup": groups.delete_group,
    "AdminAddUserToGroup": groups.admin_add_user_to_group,
    "AdminRemoveUserFromGroup": groups.admin_remove_user_from_group,
    "AdminListGroupsForUser": groups.admin_list_groups_for_user,
    "ListUsersInGroup": groups.list_users_in_group,
}

PASSWORD_OPERATIONS = frozenset(
    {
        "AdminCreateUser",
        "AdminSetUserPassword",
        "AdminInitiateAuth",
        "AdminRespondToAuthChallenge",
        "InitiateAuth",
        "RespondToAuthChallenge",
        "SignUp",
        "ConfirmForgotPassword",
        "ChangePassword",
    }
)
"""Operations that hash or check a password (tens of milliseconds of CPU each): the edge
runs them on the sign-in threads (server/signin_pool.py), never on the request workers."""


class CognitoIdpService:
    def __init__(self, context: ApiContext) -> None:
        self._context = context

    @staticmethod
    def may_be_unsigned(operation: str) -> bool:
        """Unsigned in the model (so SDKs send it unsigned), served or not: one not served
        yet then gets UnknownOperationException, not a signature error."""
        return validation.is_unsigned(operation)

    @staticmethod
    def uses_passwords(operation: str) -> bool:
        return operation in PASSWORD_OPERATIONS

    def handle(self, operation: str, body: dict[str, Any], call: Call) -> dict[str, Any]:
        use_case = USE_CASES.get(operation)
        if use_case is None:
            raise CognitoUnknownOperation(f"Operation {operation} is not supported.")
        body = validation.validate(operation, body)
        if not validation.is_unsigned(operation):
            self._authorize(operation, body, call)
        return use_case(self._context, body, call)

    def _authorize(self, operation: str, body: dict[str, Any], call: Call) -> None:
        if call.caller is None or call.authorizer is None:
            raise NotAuthorizedException(
                f"User: anonymous is not authorized to perform: cognito-idp:{operation}"
            )
        pool_id = body.get("UserPoolId")
        resource = self._context.pool_arn(pool_id) if isinstance(pool_id, str) else "*"
        call.authorizer.authorize([AuthorizationRequest(f"cognito-idp:{operation}", resource)])
