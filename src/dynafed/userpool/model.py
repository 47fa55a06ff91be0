"""User pools, app clients and users, and their storage documents.

Shapes follow Cognito user pools where a user would notice
(https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html):
pool ids look like `us-east-1_AbC123`, users have a `sub` (a UUID) besides their user name,
app clients are public (no secret: PKCE required) or confidential (a client secret).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from dynafed.userpool.password_policy import PasswordPolicy
from dynafed.userpool.schema import CustomAttribute

POOL_ID_PATTERN = re.compile(r"[\w-]+_[0-9a-zA-Z]+")
"""Cognito's user-pool id pattern (cognito-idp service model, `UserPoolIdType`)."""
USERNAME_PATTERN = re.compile(r"[\w.@+=,-]{1,128}")
"""Letters, digits and `.@+=,-`: a subset of what Cognito allows, safe in URLs and HTML."""
CLIENT_ID_PATTERN = re.compile(r"[\w+]+")
DEFAULT_AUTH_FLOWS = ("ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH")
"""What a Cognito app client allows when created without `ExplicitAuthFlows`."""
DEFAULT_SCOPES = ("openid", "email", "profile")
CONFIRMED = "CONFIRMED"
FORCE_CHANGE_PASSWORD = "FORCE_CHANGE_PASSWORD"
"""A user created with a temporary password: the next sign-in must set a new one."""
UNCONFIRMED = "UNCONFIRMED"
"""A user who signed up and has not confirmed the code yet: may not sign in."""
RESET_REQUIRED = "RESET_REQUIRED"
"""After AdminResetUserPassword: the user must set a new password with a reset code."""


@dataclass(slots=True)
class LockoutRules:
    """After `threshold` consecutive wrong passwords the user is locked for `base_seconds`,
    doubling with every further failure up to `max_seconds`: the scheme Cognito documents
    ("temporary lockout that starts at one second and doubles"; Cognito Developer Guide,
    user pool password and lockout settings)."""

    threshold: int = 5
    base_seconds: float = 1.0
    max_seconds: float = 900.0


@dataclass(slots=True)
class UserPool:
    pool_id: str
    name: str
    created_at: float
    lockout: LockoutRules = field(default_factory=LockoutRules)
    id_token_seconds: int = 3600
    access_token_seconds: int = 3600
    deletion_protection: bool = False
    password_policy: PasswordPolicy = field(default_factory=PasswordPolicy)
    allow_admin_create_user_only: bool = False
    """True: SignUp is refused, only administrators create users."""
    modified_at: float = 0.0
    username_attributes: list[str] = field(default_factory=list)
    """`UsernameAttributes`: `email` and/or `phone_number` serve as the user name, which is
    then a generated UUID (`userpool/sign_in_names.py`)."""
    alias_attributes: list[str] = field(default_factory=list)
    """`AliasAttributes`: `email`, `phone_number`, `preferred_username` sign in besides the
    user name (the first two once verified)."""
    custom_attributes: list[CustomAttribute] = field(default_factory=list)
    """The `custom:` attributes of the pool's schema (`userpool/schema.py`)."""
    required_attributes: list[str] = field(default_factory=list)
    """Standard attributes the schema makes `Required`: SignUp must give them."""
    auto_verified_attributes: list[str] | None = None
    """`AutoVerifiedAttributes` (`email`, `phone_number`): what SignUp's confirmation code
    goes to and verifies (`userpool/api/delivery.py`); empty: SignUp sends no code (an
    administrator confirms). None for pools stored before the setting was kept: a code to
    the email, else the phone number, as then."""

    def to_document(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> UserPool:
        policy = PasswordPolicy(**doc.get("password_policy", {}))
        custom = [CustomAttribute.from_document(d) for d in doc.get("custom_attributes", [])]
        return cls(
            **{
                **doc,
                "lockout": LockoutRules(**doc["lockout"]),
                "password_policy": policy,
                "custom_attributes": custom,
            }
        )


@dataclass(slots=True)
class AppClient:
    pool_id: str
    client_id: str
    name: str
    callback_urls: list[str]
    logout_urls: list[str] = field(default_factory=list)
    secret_sha256: str | None = None
    """None for a public client; the hex SHA-256 of the (high-entropy) secret otherwise."""
    secret: str | None = None
    """The secret itself, which SECRET_HASH needs (None for a public client, and for a
    confidential client made before SECRET_HASH was checked: only the digest was kept)."""
    allowed_scopes: list[str] = field(default_factory=lambda: list(DEFAULT_SCOPES))
    refresh_token_seconds: int = 30 * 86_400
    explicit_auth_flows: list[str] = field(default_factory=lambda: list(DEFAULT_AUTH_FLOWS))
    """The cognito-idp API's sign-in flows this client allows (`ExplicitAuthFlows`)."""
    created_at: float = 0.0
    modified_at: float = 0.0
    prevent_user_existence_errors: str = "ENABLED"
    """`PreventUserExistenceErrors`: ENABLED (unknown users answered as wrong passwords,
    code mismatches and simulated deliveries) or LEGACY (UserNotFoundException). The API
    creates LEGACY clients unless told otherwise, as AWS's API does; `dynafed users` and
    clients stored before the setting, ENABLED."""

    @property
    def is_public(self) -> bool:
        return self.secret_sha256 is None

    def to_document(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> AppClient:
        return cls(**doc)


@dataclass(slots=True)
class Group:
    """A user-pool group: its name goes into members' `cognito:groups`, its role (if any)
    into `cognito:roles`, and the role of the member's group with the lowest `precedence`
    into `cognito:preferred_role`."""

    pool_id: str
    name: str
    created_at: float
    description: str | None = None
    role_arn: str | None = None
    precedence: int | None = None
    modified_at: float = 0.0

    def to_document(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> Group:
        return cls(**doc)


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a new password is kept as: its Argon2 hash and its SRP salt and verifier."""

    password_hash: str
    srp_salt: str
    srp_verifier: str


@dataclass(slots=True)
class User:
    pool_id: str
    username: str
    sub: str
    password_hash: str
    created_at: float
    email: str | None = None
    enabled: bool = True
    groups: list[str] = field(default_factory=list)
    failed_attempts: int = 0
    locked_until: float = 0.0
    status: str = CONFIRMED
    """`UserStatus`: CONFIRMED, or FORCE_CHANGE_PASSWORD after AdminCreateUser."""
    attributes: dict[str, str] = field(default_factory=dict)
    """User attributes besides `sub` and `email` (which have fields of their own)."""
    modified_at: float = 0.0
    email_verified: bool = True
    """False for an email not proven yet (`userpool/api/attributes.py`); users stored
    before it was kept had only administrator-given emails, taken as verified."""
    srp_salt: str | None = None
    srp_verifier: str | None = None
    """USER_SRP_AUTH's salt and verifier (hex, `userpool/srp.py`), set with every password;
    None for a user whose password was set before SRP was served, until their next
    password change or password sign-in."""

    def set_password(self, credentials: Credentials) -> None:
        self.password_hash = credentials.password_hash
        self.srp_salt, self.srp_verifier = credentials.srp_salt, credentials.srp_verifier

    def to_document(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> User:
        return cls(**doc)
