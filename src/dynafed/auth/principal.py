"""Who is calling: the result of authentication, handed to services and the authorizer."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class SessionContext:
    """What a temporary-credential session carries (sealed inside its session token)."""

    role_arn: str
    role_id: str
    session_name: str
    expires_at: float
    session_policies: tuple[str, ...] = ()
    """Inline `Policy` text plus the documents of `PolicyArns`, as passed at assume time."""
    has_session_policies: bool = False
    tags: dict[str, str] = field(default_factory=dict)
    """Session tags (become `aws:PrincipalTag/*`)."""
    context_keys: dict[str, list[str]] = field(default_factory=dict)
    """Keys copied from the identity token (e.g. `accounts.google.com:sub`) and federation keys
    (`aws:FederatedProvider`), available to every later authorization of the session."""
    source_identity: str | None = None
    issued_at: float | None = None
    """When STS minted the credentials (`aws:TokenIssueTime`)."""
    policy_arns: tuple[str, ...] = ()
    """The managed session policies (`PolicyArns`), by ARN: their documents are read from
    IAM when requests are authorized, so the token stays small."""
    transitive_tag_keys: tuple[str, ...] = ()
    """Session tags that carry over when the session assumes another role (role chaining)."""


@dataclass(frozen=True, slots=True)
class UserContext:
    """What an IAM user's long-term access key stands for."""

    name: str
    user_id: str
    """`AIDA…`: the user's unique id (a user deleted and re-created is another user)."""
    path: str


@dataclass(frozen=True, slots=True)
class Principal:
    access_key_id: str
    account_id: str
    arn: str
    """`arn:aws:iam::ACCT:root`-style for admin keys; the assumed-role session ARN for
    sessions; `arn:aws:iam::ACCT:user/path/name` for IAM users."""
    user_id: str
    """`aws:userid`: the account id for admin, `<role-id>:<session-name>` for sessions, the
    user's `AIDA…` id for IAM users."""
    session: SessionContext | None = None
    user: UserContext | None = None
    """Set for an IAM user's access key (never together with `session`)."""

    @property
    def is_admin(self) -> bool:
        return self.session is None and self.user is None
