"""`dynafed policy check`'s linter: findings about valid policies that probably do not mean
what they say (IAM Access Analyzer's checks, and the DynamoDB fine-grained access control
traps). Findings never change how a policy evaluates."""

from dynafed.policy.lint.checks import lint_policy
from dynafed.policy.lint.findings import Finding, Severity

__all__ = ["Finding", "Severity", "lint_policy"]
