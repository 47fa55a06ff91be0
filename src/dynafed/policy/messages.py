"""IAM's error messages for a rejected policy document, in one place, each with its evidence.

Evidence tags (full references in tests/conformance/policy/validation.yaml):

- [rec:LS-policies] IAM CreatePolicy responses recorded against AWS in February 2026:
  localstack/localstack tests/aws/services/iam/test_iam_policies.snapshot.json
  (TestPolicyDocumentValidity, cases `invalid-N` / `valid-N` of test_iam_policies.py).
- [rec:LS-roles] IAM UpdateAssumeRolePolicy responses recorded against AWS in February 2026:
  localstack/localstack tests/aws/services/iam/test_iam_roles.snapshot.json
  (test_update_assume_role_policy_errors); CreateRole in test_iam.snapshot.json (2023).
- [rec:hadoop] STS AssumeRole `Policy` responses: apache/hadoop hadoop-aws ITestAssumeRole.java
  (testAssumeRoleFSBadPolicy, testAssumeRoleFSBadPolicy2, run against AWS) and the responses
  quoted in hadoop-aws assumed_roles.md.
- [rec:issue] real responses quoted in public issues (named next to the message).
- [ours] no published AWS wording was found: our own wording, worth pinning against IAM.
"""

from __future__ import annotations

# --- the document as a whole ------------------------------------------------------------------

SYNTAX_ERRORS = "Syntax errors in policy."
"""[rec:LS-policies] invalid-0 (not JSON), -3..-10, -26 (empty Statement), -31 (no Effect);
[rec:issue] kubernetes/kops#13095 (PutRolePolicy, `"Statement": null`), 99designs/iamy#74
(CreatePolicy, `null`); [rec:hadoop] STS for text that opens like a JSON object."""
TRUST_INVALID_JSON = "This policy contains invalid Json"
"""[rec:LS-roles] UpdateAssumeRolePolicy and CreateRole with text that is not JSON."""
SESSION_NOT_JSON = "The policy is not in the valid JSON format."
"""[rec:hadoop] STS `Policy` `}` (text that does not open like a JSON object)."""
INVALID_CHARACTERS = "Policy document contains characters outside the allowed set."
"""[ours] Reached only when a caller skips the API-level `ValidationError` pattern check
(IAM and STS check `[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+` before parsing)."""
VERSION_TOO_OLD = "Policy document must be version 2012-10-17 or greater."
"""[rec:LS-policies] invalid-1, -2, -60, -65, -66."""
LEGACY_PARSING = "The policy failed legacy parsing"
"""[rec:LS-policies] invalid-36, -37, -63, -64, -67..-77 (Effect case, bad dates, `::`
ARNs, an empty service segment)."""

# --- statements -------------------------------------------------------------------------------

SID_NOT_UNIQUE = "Statement IDs (SID) in a single policy must be unique."
"""[rec:LS-policies] invalid-59."""
SID_NOT_ALPHANUMERIC = (
    "Statement IDs (SID) must be alpha-numeric. "
    "Check that your input satisfies the regular expression [0-9A-Za-z]*"
)
"""[rec:issue] CloudTrail record of a CreatePolicy with Sid `Atomic_Red_Team`:
splunk/attack_data datasets/attack_techniques/T1580/aws_iam_assume_role_policy_brute_force."""
MISSING_ACTIONS = "Policy statement must contain actions."
"""[rec:LS-policies] invalid-30, -32, -33, -34."""
MISSING_RESOURCES = "Policy statement must contain resources."
"""[rec:LS-policies] invalid-27, -28, -29."""
PRINCIPAL_NOT_ALLOWED = "Policy document should not specify a principal."
"""[rec:issue] hashicorp/terraform-provider-aws#10419 (PutGroupPolicy),
hashicorp/terraform#13449."""

# --- trust policies (CreateRole, UpdateAssumeRolePolicy) -------------------------------------

TRUST_ACTIONS_ONLY_STS = "AssumeRole policy may only specify STS AssumeRole actions."
"""[rec:LS-roles] `sts:InvalidAction`."""
NO_PRINCIPALS = (
    "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: "
    "The passed in policy has a statement with no principals!"
)
"""[rec:issue] CreateRole with an empty principal list: terraform-aws-modules/terraform-aws-iam#47,
cloudposse/terraform-aws-cloudwatch-logs#7."""
MISSING_PRINCIPAL = "Missing required field Principal"
"""[ours] S3's wording for a bucket-policy statement without Principal (humanmade/S3-Uploads#191);
IAM's answer for a trust statement without Principal is unpublished."""
NOT_PRINCIPAL_WITH_ALLOW = "Allow with NotPrincipal is not allowed."
"""[ours] NotPrincipal element page: "Using it with Effect Allow is not supported"."""
NOT_PRINCIPAL_IN_TRUST = "AssumeRole policy must not contain NotPrincipal field."
"""[ours] NotPrincipal element page: not usable "in an IAM role trust policy"."""


def prohibited_field(name: str) -> str:
    """[rec:LS-roles] `Has prohibited field Resource`; NotResource's wording is [ours]."""
    return f"Has prohibited field {name}"


def invalid_principal(principal_type: str, value: str) -> str:
    """[rec:issue] opstrace/opstrace#88 (`"AWS":"arn:..."`); IAM upper-cases the type:
    aws-samples/aws-cdk-examples#801 (`"SERVICE":"amazonaws.com"`)."""
    return f'Invalid principal in policy: "{principal_type.upper()}":"{value}"'


# --- Action -----------------------------------------------------------------------------------

ACTION_NEEDS_VENDOR = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
"""[rec:LS-policies] invalid-11, -12 (also an empty action)."""
ACTION_ONE_COLON = "Actions/Condition can contain only one colon."
"""[rec:LS-policies] invalid-14, -15."""


def invalid_vendor(vendor: str) -> str:
    """[rec:LS-policies] invalid-13 (`Vendor a a is not valid`)."""
    return f"Vendor {vendor} is not valid"


# --- Resource ---------------------------------------------------------------------------------

RESOURCE_VENDOR = "Resource vendor must be fully qualified and cannot contain regexes."
"""[rec:LS-policies] invalid-38 (`arn:aws`)."""
IAM_RESOURCE_PATH = (
    'IAM resource path must either be "*", root, or start with user/, federated-user/, role/, '
    "group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, "
    "oidc-provider/, report/, access-report/."
)
"""[rec:LS-policies] invalid-35 (`arn:aws:iam:::example_bucket`)."""


def resource_not_arn(resource: str) -> str:
    """[rec:LS-policies] invalid-16..-20 (an empty resource too)."""
    return f'Resource {resource} must be in ARN format or "*".'


def invalid_partition(partition: str, resource: str) -> str:
    """[rec:LS-policies] invalid-21..-25 (missing segments shown as `*`)."""
    return f'Partition "{partition}" is not valid for resource "{resource}".'


def iam_resource_with_region(resource: str) -> str:
    """[rec:LS-policies] invalid-55."""
    return f"IAM resource {resource} cannot contain region information."


def s3_resource_with_region(resource: str) -> str:
    """[rec:LS-policies] invalid-56."""
    return f"Resource {resource} can not contain region information."


# --- no published IAM wording: our own ([ours]), following Access Analyzer check names ------


def null_with_if_exists(operator: str) -> str:
    """[ours] Access Analyzer "Null with if exists"."""
    return f"The Null operator cannot take IfExists: {operator}"


def invalid_ip_value(value: str) -> str:
    """[ours] Access Analyzer "Invalid IP address"."""
    return f"Invalid IP address or CIDR block in condition: {value}"


def variable_error(problem: str, text: str) -> str:
    """[ours] `problem` is an Access Analyzer check name such as "Missing brace in variable"."""
    return f"{problem}: {text}"


def variable_not_allowed(where: str, text: str) -> str:
    """[ours] Access Analyzer "Variable unsupported in element", "Invalid variable for
    operator"."""
    return f"Variable unsupported in {where}: {text}"
