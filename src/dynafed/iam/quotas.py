"""IAM quotas on counts (IAM User Guide, "IAM and AWS STS quotas"). Size quotas of policy
documents are the policy engine's (`dynafed.policy.limits`, through `policy_adapter`)."""

from __future__ import annotations

MANAGED_POLICIES_PER_ROLE = 10
VERSIONS_PER_POLICY = 5
CLIENT_IDS_PER_OIDC_PROVIDER = 100
THUMBPRINTS_PER_OIDC_PROVIDER = 5
OIDC_PROVIDERS_PER_ACCOUNT = 100
SAML_PROVIDERS_PER_ACCOUNT = 100
