"""The input shape of every IAM action served, with the constraints of the IAM service model
(iam-2010-05-08). A unit test checks each one against botocore's copy of that model."""

from __future__ import annotations

from dynafed.iam.api.shapes import Boolean, Integer, ListOf, Member, Structure, Text

ROLE_NAME = Text(1, 64, r"[\w+=,.@-]+")
POLICY_NAME = Text(1, 128, r"[\w+=,.@-]+")
POLICY_DOCUMENT = Text(1, 131072, r"[\u0009\u000A\u000D\u0020-\u00FF]+")
ROLE_PATH = Text(1, 512, r"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)")
ROLE_PATH_PREFIX = Text(1, 512, r"\u002F[\u0021-\u007F]*")
POLICY_PATH = Text(1, 512, r"((/[A-Za-z0-9\.,\+@=_-]+)*)/")
ROLE_DESCRIPTION = Text(None, 1000, r"[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*")
POLICY_DESCRIPTION = Text(None, 1000)
ARN = Text(20, 2048)
MARKER = Text(1, 320, r"[\u0020-\u00FF]+")
MAX_ITEMS = Integer(1, 1000)
VERSION_ID = Text(pattern=r"v[1-9][0-9]*(\.[A-Za-z0-9-]*)?")
TAGS = ListOf(
    Structure(
        (
            Member("Key", Text(1, 128, r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+"), required=True),
            Member("Value", Text(0, 256, r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*"), required=True),
        )
    ),
    max=50,
)
OIDC_URL = Text(1, 255)
CLIENT_ID = Text(1, 255)
THUMBPRINTS = ListOf(Text(40, 40))
SAML_METADATA = Text(1000, 10000000)
SAML_NAME = Text(1, 128, r"[\w._-]+")
ENCRYPTION_MODE = Text(enum=("Required", "Allowed"))
PRIVATE_KEY = Text(1, 16384, r"[\u0009\u000A\u000D\u0020-\u00FF]+")
PRIVATE_KEY_ID = Text(22, 64, r"[A-Z0-9]+")
RESOURCE_NAME = Text(1, 2048)
CONTEXT_KEY_TYPES = (
    "string", "stringList", "numeric", "numericList", "boolean", "booleanList",
    "ip", "ipList", "binary", "binaryList", "date", "dateList",
)  # fmt: skip


def _shape(*members: Member) -> Structure:
    return Structure(members)


def _role(*members: Member) -> Structure:
    return Structure((Member("RoleName", ROLE_NAME, required=True), *members))


USER_NAME = Text(1, 64, r"[\w+=,.@-]+")
EXISTING_USER_NAME = Text(1, 128, r"[\w+=,.@-]+")
GROUP_NAME = Text(1, 128, r"[\w+=,.@-]+")
ACCESS_KEY_ID = Text(16, 128, r"[\w]+")
TAG_KEYS = ListOf(Text(1, 128, r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+"), max=50)


def _user(*members: Member, name: Text = EXISTING_USER_NAME, required: bool = True) -> Structure:
    return Structure((Member("UserName", name, required=required), *members))


def _group(*members: Member) -> Structure:
    return Structure((Member("GroupName", GROUP_NAME, required=True), *members))


def _policy_arn(*members: Member) -> Structure:
    return Structure((Member("PolicyArn", ARN, required=True), *members))


def _oidc(*members: Member) -> Structure:
    return Structure((Member("OpenIDConnectProviderArn", ARN, required=True), *members))


_PAGING = (Member("Marker", MARKER), Member("MaxItems", MAX_ITEMS))

ACCOUNT_ALIAS = Text(3, 63, r"^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$")
ENTITY_TYPES = ("User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy")
INSTANCE_PROFILE_NAME = Text(1, 128, r"[\w+=,.@-]+")


def _instance_profile(*members: Member) -> Structure:
    return Structure(
        (Member("InstanceProfileName", INSTANCE_PROFILE_NAME, required=True), *members)
    )


_SIMULATION = (
    Member("PermissionsBoundaryPolicyInputList", ListOf(POLICY_DOCUMENT)),
    Member("ActionNames", ListOf(Text(3, 128)), required=True),
    Member("ResourceArns", ListOf(RESOURCE_NAME)),
    Member("ResourcePolicy", POLICY_DOCUMENT),
    Member("ResourceOwner", RESOURCE_NAME),
    Member("CallerArn", RESOURCE_NAME),
    Member(
        "ContextEntries",
        ListOf(
            Structure(
                (
                    Member("ContextKeyName", Text(5, 256)),
                    Member("ContextKeyValues", ListOf(Text())),
                    Member("ContextKeyType", Text(enum=CONTEXT_KEY_TYPES)),
                )
            )
        ),
    ),
    Member("ResourceHandlingOption", Text(1, 64)),
    *_PAGING,
)

INPUTS: dict[str, Structure] = {
    # roles
    "CreateRole": _shape(
        Member("Path", ROLE_PATH),
        Member("RoleName", ROLE_NAME, required=True),
        Member("AssumeRolePolicyDocument", POLICY_DOCUMENT, required=True),
        Member("Description", ROLE_DESCRIPTION),
        Member("MaxSessionDuration", Integer(3600, 43200)),
        Member("PermissionsBoundary", ARN),
        Member("Tags", TAGS),
    ),
    "GetRole": _role(),
    "ListRoles": _shape(Member("PathPrefix", ROLE_PATH_PREFIX), *_PAGING),
    "DeleteRole": _role(),
    "UpdateRole": _role(
        Member("Description", ROLE_DESCRIPTION),
        Member("MaxSessionDuration", Integer(3600, 43200)),
    ),
    "UpdateRoleDescription": _role(Member("Description", ROLE_DESCRIPTION, required=True)),
    "UpdateAssumeRolePolicy": _role(Member("PolicyDocument", POLICY_DOCUMENT, required=True)),
    "TagRole": _role(Member("Tags", TAGS, required=True)),
    "UntagRole": _role(
        Member(
            "TagKeys", ListOf(Text(1, 128, r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+"), max=50), required=True
        )
    ),
    "ListRoleTags": _role(*_PAGING),
    # inline role policies
    "PutRolePolicy": _role(
        Member("PolicyName", POLICY_NAME, required=True),
        Member("PolicyDocument", POLICY_DOCUMENT, required=True),
    ),
    "GetRolePolicy": _role(Member("PolicyName", POLICY_NAME, required=True)),
    "DeleteRolePolicy": _role(Member("PolicyName", POLICY_NAME, required=True)),
    "ListRolePolicies": _role(*_PAGING),
    # managed policies
    "CreatePolicy": _shape(
        Member("PolicyName", POLICY_NAME, required=True),
        Member("Path", POLICY_PATH),
        Member("PolicyDocument", POLICY_DOCUMENT, required=True),
        Member("Description", POLICY_DESCRIPTION),
        Member("Tags", TAGS),
    ),
    "GetPolicy": _policy_arn(),
    "DeletePolicy": _policy_arn(),
    "GetPolicyVersion": _policy_arn(Member("VersionId", VERSION_ID, required=True)),
    "CreatePolicyVersion": _policy_arn(
        Member("PolicyDocument", POLICY_DOCUMENT, required=True),
        Member("SetAsDefault", Boolean()),
    ),
    "DeletePolicyVersion": _policy_arn(Member("VersionId", VERSION_ID, required=True)),
    "SetDefaultPolicyVersion": _policy_arn(Member("VersionId", VERSION_ID, required=True)),
    "ListPolicyVersions": _policy_arn(*_PAGING),
    "ListPolicies": _shape(
        Member("Scope", Text(enum=("All", "AWS", "Local"))),
        Member("OnlyAttached", Boolean()),
        Member("PathPrefix", POLICY_PATH),
        Member("PolicyUsageFilter", Text(enum=("PermissionsPolicy", "PermissionsBoundary"))),
        *_PAGING,
    ),
    "AttachRolePolicy": _role(Member("PolicyArn", ARN, required=True)),
    "DetachRolePolicy": _role(Member("PolicyArn", ARN, required=True)),
    "ListAttachedRolePolicies": _role(Member("PathPrefix", POLICY_PATH), *_PAGING),
    # permissions boundaries
    "PutRolePermissionsBoundary": _role(Member("PermissionsBoundary", ARN, required=True)),
    "DeleteRolePermissionsBoundary": _role(),
    # OpenID Connect providers
    "CreateOpenIDConnectProvider": _shape(
        Member("Url", OIDC_URL, required=True),
        Member("ClientIDList", ListOf(CLIENT_ID)),
        Member("ThumbprintList", THUMBPRINTS),
        Member("Tags", TAGS),
    ),
    "GetOpenIDConnectProvider": _oidc(),
    "ListOpenIDConnectProviders": _shape(),
    "DeleteOpenIDConnectProvider": _oidc(),
    "AddClientIDToOpenIDConnectProvider": _oidc(Member("ClientID", CLIENT_ID, required=True)),
    "RemoveClientIDFromOpenIDConnectProvider": _oidc(Member("ClientID", CLIENT_ID, required=True)),
    "UpdateOpenIDConnectProviderThumbprint": _oidc(
        Member("ThumbprintList", THUMBPRINTS, required=True)
    ),
    # SAML providers
    "CreateSAMLProvider": _shape(
        Member("SAMLMetadataDocument", SAML_METADATA, required=True),
        Member("Name", SAML_NAME, required=True),
        Member("Tags", TAGS),
        Member("AssertionEncryptionMode", ENCRYPTION_MODE),
        Member("AddPrivateKey", PRIVATE_KEY),
    ),
    "GetSAMLProvider": _shape(Member("SAMLProviderArn", ARN, required=True)),
    "ListSAMLProviders": _shape(),
    "UpdateSAMLProvider": _shape(
        Member("SAMLMetadataDocument", SAML_METADATA),
        Member("SAMLProviderArn", ARN, required=True),
        Member("AssertionEncryptionMode", ENCRYPTION_MODE),
        Member("AddPrivateKey", PRIVATE_KEY),
        Member("RemovePrivateKey", PRIVATE_KEY_ID),
    ),
    "DeleteSAMLProvider": _shape(Member("SAMLProviderArn", ARN, required=True)),
    # users
    "CreateUser": _shape(
        Member("Path", ROLE_PATH),
        Member("UserName", USER_NAME, required=True),
        Member("PermissionsBoundary", ARN),
        Member("Tags", TAGS),
    ),
    "GetUser": _user(required=False),
    "ListUsers": _shape(Member("PathPrefix", ROLE_PATH_PREFIX), *_PAGING),
    "UpdateUser": _user(Member("NewPath", ROLE_PATH), Member("NewUserName", USER_NAME)),
    "DeleteUser": _user(),
    "TagUser": _user(Member("Tags", TAGS, required=True)),
    "UntagUser": _user(Member("TagKeys", TAG_KEYS, required=True)),
    "ListUserTags": _user(*_PAGING),
    "PutUserPermissionsBoundary": _user(
        Member("PermissionsBoundary", ARN, required=True), name=USER_NAME
    ),
    "DeleteUserPermissionsBoundary": _user(name=USER_NAME),
    "PutUserPolicy": _user(
        Member("PolicyName", POLICY_NAME, required=True),
        Member("PolicyDocument", POLICY_DOCUMENT, required=True),
    ),
    "GetUserPolicy": _user(Member("PolicyName", POLICY_NAME, required=True)),
    "ListUserPolicies": _user(*_PAGING),
    "DeleteUserPolicy": _user(Member("PolicyName", POLICY_NAME, required=True)),
    "AttachUserPolicy": _user(Member("PolicyArn", ARN, required=True), name=USER_NAME),
    "DetachUserPolicy": _user(Member("PolicyArn", ARN, required=True), name=USER_NAME),
    "ListAttachedUserPolicies": _user(Member("PathPrefix", POLICY_PATH), *_PAGING, name=USER_NAME),
    # access keys
    "CreateAccessKey": _user(required=False),
    "ListAccessKeys": _user(*_PAGING, required=False),
    "UpdateAccessKey": _user(
        Member("AccessKeyId", ACCESS_KEY_ID, required=True),
        Member("Status", Text(enum=("Active", "Inactive", "Expired")), required=True),
        required=False,
    ),
    "DeleteAccessKey": _user(Member("AccessKeyId", ACCESS_KEY_ID, required=True), required=False),
    "GetAccessKeyLastUsed": _shape(Member("AccessKeyId", ACCESS_KEY_ID, required=True)),
    # groups
    "CreateGroup": _shape(
        Member("Path", ROLE_PATH), Member("GroupName", GROUP_NAME, required=True)
    ),
    "GetGroup": _group(*_PAGING),
    "ListGroups": _shape(Member("PathPrefix", ROLE_PATH_PREFIX), *_PAGING),
    "UpdateGroup": _group(Member("NewPath", ROLE_PATH), Member("NewGroupName", GROUP_NAME)),
    "DeleteGroup": _group(),
    "AddUserToGroup": _group(Member("UserName", EXISTING_USER_NAME, required=True)),
    "RemoveUserFromGroup": _group(Member("UserName", EXISTING_USER_NAME, required=True)),
    "ListGroupsForUser": _user(*_PAGING),
    "PutGroupPolicy": _group(
        Member("PolicyName", POLICY_NAME, required=True),
        Member("PolicyDocument", POLICY_DOCUMENT, required=True),
    ),
    "GetGroupPolicy": _group(Member("PolicyName", POLICY_NAME, required=True)),
    "ListGroupPolicies": _group(*_PAGING),
    "DeleteGroupPolicy": _group(Member("PolicyName", POLICY_NAME, required=True)),
    "AttachGroupPolicy": _group(Member("PolicyArn", ARN, required=True)),
    "DetachGroupPolicy": _group(Member("PolicyArn", ARN, required=True)),
    "ListAttachedGroupPolicies": _group(Member("PathPrefix", POLICY_PATH), *_PAGING),
    # instance profiles
    "CreateInstanceProfile": _instance_profile(Member("Path", ROLE_PATH), Member("Tags", TAGS)),
    "GetInstanceProfile": _instance_profile(),
    "DeleteInstanceProfile": _instance_profile(),
    "ListInstanceProfiles": _shape(Member("PathPrefix", ROLE_PATH_PREFIX), *_PAGING),
    "AddRoleToInstanceProfile": _instance_profile(Member("RoleName", ROLE_NAME, required=True)),
    "RemoveRoleFromInstanceProfile": _instance_profile(
        Member("RoleName", ROLE_NAME, required=True)
    ),
    "ListInstanceProfilesForRole": _role(*_PAGING),
    # tags of policies, providers and instance profiles
    "TagPolicy": _policy_arn(Member("Tags", TAGS, required=True)),
    "UntagPolicy": _policy_arn(Member("TagKeys", TAG_KEYS, required=True)),
    "ListPolicyTags": _policy_arn(*_PAGING),
    "TagOpenIDConnectProvider": _oidc(Member("Tags", TAGS, required=True)),
    "UntagOpenIDConnectProvider": _oidc(Member("TagKeys", TAG_KEYS, required=True)),
    "ListOpenIDConnectProviderTags": _oidc(*_PAGING),
    "TagSAMLProvider": _shape(
        Member("SAMLProviderArn", ARN, required=True), Member("Tags", TAGS, required=True)
    ),
    "UntagSAMLProvider": _shape(
        Member("SAMLProviderArn", ARN, required=True),
        Member("TagKeys", TAG_KEYS, required=True),
    ),
    "ListSAMLProviderTags": _shape(Member("SAMLProviderArn", ARN, required=True), *_PAGING),
    "TagInstanceProfile": _instance_profile(Member("Tags", TAGS, required=True)),
    "UntagInstanceProfile": _instance_profile(Member("TagKeys", TAG_KEYS, required=True)),
    "ListInstanceProfileTags": _instance_profile(*_PAGING),
    # who uses a managed policy
    "ListEntitiesForPolicy": _policy_arn(
        Member("EntityFilter", Text(enum=ENTITY_TYPES)),
        Member("PathPrefix", ROLE_PATH),
        Member("PolicyUsageFilter", Text(enum=("PermissionsPolicy", "PermissionsBoundary"))),
        *_PAGING,
    ),
    "ListPoliciesGrantingServiceAccess": _shape(
        Member("Marker", MARKER),
        Member("Arn", ARN, required=True),
        Member(
            "ServiceNamespaces",
            ListOf(Text(1, 64, r"[\w-]*"), min=1, max=200),
            required=True,
        ),
    ),
    # credentials dynafed does not issue (answered as none)
    "GetLoginProfile": _user(name=USER_NAME, required=False),
    "ListMFADevices": _user(*_PAGING, required=False),
    "ListVirtualMFADevices": _shape(
        Member("AssignmentStatus", Text(enum=("Assigned", "Unassigned", "Any"))), *_PAGING
    ),
    "ListSSHPublicKeys": _user(*_PAGING, name=USER_NAME, required=False),
    "ListSigningCertificates": _user(*_PAGING, required=False),
    "ListServiceSpecificCredentials": _user(
        Member("ServiceName", Text()),
        Member("AllUsers", Boolean()),
        *_PAGING,
        name=USER_NAME,
        required=False,
    ),
    "ListServerCertificates": _shape(Member("PathPrefix", ROLE_PATH_PREFIX), *_PAGING),
    "GetServerCertificate": _shape(
        Member("ServerCertificateName", Text(1, 128, r"[\w+=,.@-]+"), required=True)
    ),
    # the whole account
    "GetAccountSummary": _shape(),
    "GenerateCredentialReport": _shape(),
    "GetCredentialReport": _shape(),
    "ListAccountAliases": _shape(*_PAGING),
    "CreateAccountAlias": _shape(Member("AccountAlias", ACCOUNT_ALIAS, required=True)),
    "DeleteAccountAlias": _shape(Member("AccountAlias", ACCOUNT_ALIAS, required=True)),
    "GetAccountPasswordPolicy": _shape(),
    "GetAccountAuthorizationDetails": _shape(
        Member(
            "Filter",
            ListOf(Text(enum=("User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"))),
        ),
        Member("MaxItems", MAX_ITEMS),
        Member("Marker", MARKER),
    ),
    # the policy simulator
    "GetContextKeysForCustomPolicy": _shape(
        Member("PolicyInputList", ListOf(POLICY_DOCUMENT), required=True)
    ),
    "GetContextKeysForPrincipalPolicy": _shape(
        Member("PolicySourceArn", ARN, required=True),
        Member("PolicyInputList", ListOf(POLICY_DOCUMENT)),
    ),
    "SimulateCustomPolicy": _shape(
        Member("PolicyInputList", ListOf(POLICY_DOCUMENT), required=True), *_SIMULATION
    ),
    "SimulatePrincipalPolicy": _shape(
        Member("PolicySourceArn", ARN, required=True),
        Member("PolicyInputList", ListOf(POLICY_DOCUMENT)),
        *_SIMULATION,
    ),
}
