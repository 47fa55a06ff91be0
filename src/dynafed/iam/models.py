"""IAM entities as stored documents.

Each entity is one storage document, its fields stored under their own names (tags as
`[key, value]` pairs); `from_document` is the one place that reads them back. Names are
unique case-insensitively in IAM ("you can't create resources named both MyRole and
myrole"), so documents are keyed by the lower-cased name while the entity keeps the name
as created.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

Tags = list[tuple[str, str]]

ROLE_KIND = "iam-role"
POLICY_KIND = "iam-policy"
OIDC_PROVIDER_KIND = "iam-oidc-provider"
SAML_PROVIDER_KIND = "iam-saml-provider"
USER_KIND = "iam-user"
GROUP_KIND = "iam-group"
ACCESS_KEY_KIND = "iam-access-key"
INSTANCE_PROFILE_KIND = "iam-instance-profile"

DEFAULT_MAX_SESSION_DURATION = 3600


def _tags_to_document(tags: Tags) -> list[list[str]]:
    return [[key, value] for key, value in tags]


def _tags_from_document(raw: Any) -> Tags:
    return [(str(key), str(value)) for key, value in raw or []]


@dataclass(slots=True)
class Role:
    name: str
    path: str
    role_id: str
    arn: str
    created_at: float
    trust_policy: str
    description: str | None = None
    max_session_duration: int = DEFAULT_MAX_SESSION_DURATION
    boundary_arn: str | None = None
    tags: Tags = field(default_factory=list)
    inline_policies: dict[str, str] = field(default_factory=dict)
    """Policy name -> document text, as given to PutRolePolicy."""
    attached_policy_arns: list[str] = field(default_factory=list)
    """In attachment order."""

    @property
    def key(self) -> str:
        return self.name.lower()

    def to_document(self) -> dict[str, Any]:
        return {**asdict(self), "tags": _tags_to_document(self.tags)}

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> Role:
        return cls(
            name=doc["name"],
            path=doc["path"],
            role_id=doc["role_id"],
            arn=doc["arn"],
            created_at=float(doc["created_at"]),
            trust_policy=doc["trust_policy"],
            description=doc.get("description"),
            max_session_duration=int(doc.get("max_session_duration", 3600)),
            boundary_arn=doc.get("boundary_arn"),
            tags=_tags_from_document(doc.get("tags")),
            inline_policies=dict(doc.get("inline_policies") or {}),
            attached_policy_arns=list(doc.get("attached_policy_arns") or []),
        )


@dataclass(slots=True)
class PolicyVersion:
    version_id: str
    document: str
    created_at: float

    def to_document(self) -> dict[str, Any]:
        return {"id": self.version_id, "document": self.document, "created_at": self.created_at}

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> PolicyVersion:
        return cls(doc["id"], doc["document"], float(doc["created_at"]))


@dataclass(slots=True)
class ManagedPolicy:
    name: str
    path: str
    policy_id: str
    arn: str
    created_at: float
    updated_at: float
    default_version_id: str
    versions: list[PolicyVersion]
    """Oldest first; at most five."""
    next_version_number: int
    description: str | None = None
    tags: Tags = field(default_factory=list)
    attachment_count: int = 0
    boundary_usage_count: int = 0

    @property
    def key(self) -> str:
        return self.name.lower()

    @property
    def default_version(self) -> PolicyVersion:
        return next(v for v in self.versions if v.version_id == self.default_version_id)

    def version(self, version_id: str) -> PolicyVersion | None:
        return next((v for v in self.versions if v.version_id == version_id), None)

    def to_document(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "versions": [version.to_document() for version in self.versions],
            "tags": _tags_to_document(self.tags),
        }

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> ManagedPolicy:
        return cls(
            name=doc["name"],
            path=doc["path"],
            policy_id=doc["policy_id"],
            arn=doc["arn"],
            created_at=float(doc["created_at"]),
            updated_at=float(doc["updated_at"]),
            default_version_id=doc["default_version_id"],
            versions=[PolicyVersion.from_document(v) for v in doc["versions"]],
            next_version_number=int(doc["next_version_number"]),
            description=doc.get("description"),
            tags=_tags_from_document(doc.get("tags")),
            attachment_count=int(doc.get("attachment_count", 0)),
            boundary_usage_count=int(doc.get("boundary_usage_count", 0)),
        )


@dataclass(slots=True)
class OidcProvider:
    url: str
    """As registered, with its scheme: `https://idp.example.com/realm` or, on loopback,
    `http://127.0.0.1:4010/idp`."""
    arn: str
    created_at: float
    client_ids: list[str] = field(default_factory=list)
    thumbprints: list[str] = field(default_factory=list)
    tags: Tags = field(default_factory=list)

    @property
    def key(self) -> str:
        """The URL without its scheme: the ARN's resource part and the condition-key prefix."""
        return self.url.split("://", 1)[1]

    def to_document(self) -> dict[str, Any]:
        return {**asdict(self), "tags": _tags_to_document(self.tags)}

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> OidcProvider:
        return cls(
            url=doc["url"],
            arn=doc["arn"],
            created_at=float(doc["created_at"]),
            client_ids=list(doc.get("client_ids") or []),
            thumbprints=list(doc.get("thumbprints") or []),
            tags=_tags_from_document(doc.get("tags")),
        )


@dataclass(slots=True)
class SamlProvider:
    name: str
    arn: str
    uuid: str
    created_at: float
    metadata_document: str
    entity_id: str
    signing_certificates: list[str]
    """Base64 DER of each signing certificate named in the metadata."""
    valid_until: float
    assertion_encryption_mode: str = "Allowed"
    tags: Tags = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.name.lower()

    def to_document(self) -> dict[str, Any]:
        return {**asdict(self), "tags": _tags_to_document(self.tags)}

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> SamlProvider:
        return cls(
            name=doc["name"],
            arn=doc["arn"],
            uuid=doc["uuid"],
            created_at=float(doc["created_at"]),
            metadata_document=doc["metadata_document"],
            entity_id=doc["entity_id"],
            signing_certificates=list(doc.get("signing_certificates") or []),
            valid_until=float(doc["valid_until"]),
            assertion_encryption_mode=doc.get("assertion_encryption_mode", "Allowed"),
            tags=_tags_from_document(doc.get("tags")),
        )


@dataclass(slots=True)
class User:
    name: str
    path: str
    user_id: str
    arn: str
    created_at: float
    boundary_arn: str | None = None
    tags: Tags = field(default_factory=list)
    inline_policies: dict[str, str] = field(default_factory=dict)
    """Policy name -> document text, as given to PutUserPolicy."""
    attached_policy_arns: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    """Names of the groups the user is in, as the groups were created, in joining order."""
    access_key_ids: list[str] = field(default_factory=list)
    """The user's access keys (each one a document of its own, by key id)."""

    @property
    def key(self) -> str:
        return self.name.lower()

    def to_document(self) -> dict[str, Any]:
        return {**asdict(self), "tags": _tags_to_document(self.tags)}

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> User:
        return cls(
            name=doc["name"],
            path=doc["path"],
            user_id=doc["user_id"],
            arn=doc["arn"],
            created_at=float(doc["created_at"]),
            boundary_arn=doc.get("boundary_arn"),
            tags=_tags_from_document(doc.get("tags")),
            inline_policies=dict(doc.get("inline_policies") or {}),
            attached_policy_arns=list(doc.get("attached_policy_arns") or []),
            groups=list(doc.get("groups") or []),
            access_key_ids=list(doc.get("access_key_ids") or []),
        )


@dataclass(slots=True)
class Group:
    name: str
    path: str
    group_id: str
    arn: str
    created_at: float
    inline_policies: dict[str, str] = field(default_factory=dict)
    attached_policy_arns: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    """Names of the member users, in joining order."""

    @property
    def key(self) -> str:
        return self.name.lower()

    def to_document(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> Group:
        return cls(
            name=doc["name"],
            path=doc["path"],
            group_id=doc["group_id"],
            arn=doc["arn"],
            created_at=float(doc["created_at"]),
            inline_policies=dict(doc.get("inline_policies") or {}),
            attached_policy_arns=list(doc.get("attached_policy_arns") or []),
            members=list(doc.get("members") or []),
        )


ACTIVE = "Active"
INACTIVE = "Inactive"


@dataclass(slots=True)
class AccessKey:
    """A user's long-term access key. The secret is never stored: only `sealed_secret`, the
    secret encrypted with the server's access-key sealing key (iam/secret_seal.py)."""

    access_key_id: str
    user_name: str
    user_id: str
    status: str
    created_at: float
    sealed_secret: str

    @property
    def key(self) -> str:
        return self.access_key_id

    def to_document(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> AccessKey:
        return cls(
            access_key_id=doc["access_key_id"],
            user_name=doc["user_name"],
            user_id=doc["user_id"],
            status=doc["status"],
            created_at=float(doc["created_at"]),
            sealed_secret=doc["sealed_secret"],
        )


@dataclass(slots=True)
class InstanceProfile:
    """A container for one role that EC2 instances take on; dynafed keeps them so that
    infrastructure tools can create and destroy them around roles."""

    name: str
    path: str
    instance_profile_id: str
    arn: str
    created_at: float
    roles: list[str] = field(default_factory=list)
    """Names of its roles (IAM allows one)."""
    tags: Tags = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.name.lower()

    def to_document(self) -> dict[str, Any]:
        return {**asdict(self), "tags": _tags_to_document(self.tags)}

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> InstanceProfile:
        return cls(
            name=doc["name"],
            path=doc["path"],
            instance_profile_id=doc["instance_profile_id"],
            arn=doc["arn"],
            created_at=float(doc["created_at"]),
            roles=list(doc.get("roles") or []),
            tags=_tags_from_document(doc.get("tags")),
        )
