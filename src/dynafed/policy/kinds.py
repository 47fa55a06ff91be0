"""What a policy document is used as, and what each use permits.

`PolicyKind` is fixed when a document is parsed (it decides validation rules);
`PolicyType` is the role a policy plays in one evaluation (it decides the algorithm step and
the wording of the AccessDenied reason).
"""

from __future__ import annotations

import enum


class PolicyKind(enum.Enum):
    IDENTITY = "identity"
    """An inline policy of a role/user/group (PutRolePolicy). A missing Version is accepted and
    evaluated with 2008-10-17 semantics (iam-fgac.md 1.1 rule 14, [C])."""
    MANAGED = "managed"
    """A customer managed policy (CreatePolicy / CreatePolicyVersion): Version 2012-10-17 only."""
    BOUNDARY = "boundary"
    """A managed policy used as a permissions boundary: validated like MANAGED."""
    SESSION = "session"
    """The `Policy` of AssumeRole*: identity-policy rules."""
    TRUST = "trust"
    """A role trust policy: Principal required, Resource prohibited, STS actions only."""
    RESOURCE = "resource"
    """A resource-based policy (e.g. a DynamoDB table policy): Principal required.

    Every kind accepts an `Id` element: the Id element page reserves it for resource-based
    policies, but IAM's CreatePolicy accepts it (localstack/localstack
    test_iam_policies.snapshot.json valid-24, recorded against AWS)."""

    @property
    def has_principal(self) -> bool:
        return self in (PolicyKind.TRUST, PolicyKind.RESOURCE)

    @property
    def needs_resource(self) -> bool:
        return self is not PolicyKind.TRUST

    @property
    def requires_current_version(self) -> bool:
        return self in (PolicyKind.MANAGED, PolicyKind.BOUNDARY)

    @property
    def alphanumeric_sids(self) -> bool:
        # Grammar notes: IAM policies take only [A-Za-z0-9] Sids; other services' resource
        # policies (S3, DynamoDB) accept more.
        return self is not PolicyKind.RESOURCE


class PolicyType(enum.Enum):
    """The policy types that can decide a request, in AWS's reporting order."""

    IDENTITY = "identity-based policy"
    RESOURCE = "resource-based policy"
    BOUNDARY = "permissions boundary"
    SESSION = "session policy"

    @property
    def phrase(self) -> str:
        """The type as AccessDenied messages name it ("identity-based policy", ...)."""
        return self.value
