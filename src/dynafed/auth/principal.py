"""Who is calling: the result of authentication, handed to services and the authorizer."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class SessionKind(StrEnum):
    """Which STS call minted a session, so who it acts as."""

    ASSUMED_ROLE = "assumed-role"
    """AssumeRole*: the role, limited by the session policies."""
    USER = "user"
    """GetSessionToken with an IAM user's key: that user, with its own permissions."""
    ROOT = "root"
    """GetSessionToken with the account's admin key: the account itself."""
    FEDERATED_USER = "federated-user"
    """GetFederationToken: the calling user's (or account's) permissions ∩ the session
    policies, under a `federated-user/<name>` ARN."""


@dataclass(frozen=True, slots=True)
class UserContext:
    """What an IAM user's long-term access key stands for."""

    name: str
    user_id: str
    """`AIDA…`: the user's unique id (a user deleted and re-created is another user)."""
    path: str


@dataclass(frozen=True, slots=True)
class SessionContext:
    """What a temporary-credential session carries (sealed inside its session token)."""

    role_arn: str
    """The assumed role's ARN; empty for sessions an IAM user or the account minted
    (GetSessionToken, GetFederationToken)."""
    role_id: str
    """The assumed role's unique id (`AROA…`); empty like `role_arn`."""
    session_name: str
    """The role session name; a federated user's name; the user's name (GetSessionToken)."""
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
    kind: SessionKind = SessionKind.ASSUMED_ROLE
    user: UserContext | None = None
    """The IAM user whose long-term key minted the session (GetSessionToken,
    GetFederationToken with a user's key); None for role sessions and the account's own."""

    @property
    def is_role_session(self) -> bool:
        return self.kind is SessionKind.ASSUMED_ROLE


@dataclass(frozen=True, slots=True)
class Principal:
    access_key_id: str
    account_id: str
    arn: str
    """`arn:aws:iam::ACCT:root`-style for admin keys (and their GetSessionToken sessions);
    the assumed-role session ARN for role sessions; `arn:aws:iam::ACCT:user/path/name` for
    IAM users (and their GetSessionToken sessions);
    `arn:aws:sts::ACCT:federated-user/name` for GetFederationToken sessions."""
    user_id: str
    """`aws:userid`: the account id for admin, `<role-id>:<session-name>` for role sessions,
    the user's `AIDA…` id for IAM users, `<account>:<name>` for federated users."""
    session: SessionContext | None = None
    user: UserContext | None = None
    """Set for an IAM user's access key, and for the sessions it got from GetSessionToken
    (with `session` too: the user, with temporary credentials)."""
    is_admin: bool = field(init=False, compare=False, repr=False)
    """The account's own credentials, long-term or a GetSessionToken session of them (worked
    out once: every request asks)."""

    def __post_init__(self) -> None:
        is_admin = self.user is None and (
            self.session is None or self.session.kind is SessionKind.ROOT
        )
        object.__setattr__(self, "is_admin", is_admin)

    @property
    def is_temporary(self) -> bool:
        return self.session is not None
