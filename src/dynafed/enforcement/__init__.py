"""Request enforcement: who may do what, decided by the policy engine for every request.

- `authorizer`: the `Authorizer` each DynamoDB request gets (admin: everything; a role
  session: the role's identity policies ∩ boundary ∩ session policies).
- `context`: the global condition keys of a session (iam-fgac.md §2.5).
- `role_cache` / `policy_sets`: role data read from IAM storage with a short TTL, and the
  compiled `PolicySet` of each session shape, built once.
- `policy_cache`: policy text → compiled policy, parsed once.
- `audit`: one JSON line per authorization decision and per STS exchange.
"""
