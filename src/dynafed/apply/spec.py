"""The `dynafed apply` file: what it may declare, read into typed records.

The file is YAML or JSON (JSON is YAML). Unknown keys are errors, so a typo never passes
silently. YAML timestamps are not resolved: `Version: 2012-10-17` stays the string IAM
expects instead of becoming a date. docs/apply.md describes the format.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class SpecError(Exception):
    """The file cannot be applied as written; the message says where and why."""


class _Loader(yaml.SafeLoader):
    pass


# Drop the timestamp resolver so dates stay strings (policy `Version` values).
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True, slots=True)
class OidcProviderSpec:
    url: str
    client_ids: tuple[str, ...]
    thumbprints: tuple[str, ...] | None
    """None: not managed by the file (left as the server has them)."""


@dataclass(frozen=True, slots=True)
class SamlProviderSpec:
    name: str
    metadata: str


@dataclass(frozen=True, slots=True)
class ManagedPolicySpec:
    name: str
    path: str
    description: str | None
    document: dict[str, Any]


@dataclass(frozen=True, slots=True)
class RoleSpec:
    name: str
    path: str
    description: str | None
    max_session_duration: int
    trust_policy: dict[str, Any]
    inline_policies: dict[str, dict[str, Any]]
    managed_policies: tuple[str, ...]
    """Names of managed policies declared in the file, or policy ARNs."""
    permissions_boundary: str | None
    tags: dict[str, str]


@dataclass(frozen=True, slots=True)
class GroupSpec:
    name: str
    path: str
    inline_policies: dict[str, dict[str, Any]]
    managed_policies: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UserSpec:
    name: str
    path: str
    groups: tuple[str, ...]
    inline_policies: dict[str, dict[str, Any]]
    managed_policies: tuple[str, ...]
    permissions_boundary: str | None
    tags: dict[str, str]
    access_key: bool
    """Give the user an access key when it has none (its secret is shown once)."""


@dataclass(frozen=True, slots=True)
class InstanceProfileSpec:
    name: str
    path: str
    role: str | None


@dataclass(frozen=True, slots=True)
class Spec:
    oidc_providers: tuple[OidcProviderSpec, ...] = ()
    saml_providers: tuple[SamlProviderSpec, ...] = ()
    managed_policies: tuple[ManagedPolicySpec, ...] = ()
    roles: tuple[RoleSpec, ...] = ()
    instance_profiles: tuple[InstanceProfileSpec, ...] = ()
    groups: tuple[GroupSpec, ...] = ()
    users: tuple[UserSpec, ...] = ()
    tables: tuple[dict[str, Any], ...] = ()
    """CreateTable requests, exactly as boto3's `create_table` takes them."""


def _mapping(value: Any, where: str, allowed: set[str], required: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SpecError(f"{where}: expected a mapping")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise SpecError(f"{where}: unknown key(s) {', '.join(unknown)}")
    missing = sorted(required - set(value))
    if missing:
        raise SpecError(f"{where}: missing key(s) {', '.join(missing)}")
    return value


def _items(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise SpecError(f"{where}: expected a list")
    return value


def _strings(value: Any, where: str) -> tuple[str, ...]:
    items = _items(value, where)
    if not all(isinstance(item, str) for item in items):
        raise SpecError(f"{where}: expected a list of strings")
    return tuple(items)


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise SpecError(f"{where}: expected a non-empty string")
    return value


def _document(value: Any, where: str) -> dict[str, Any]:
    """A policy document given as a mapping, or as JSON text."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as error:
            raise SpecError(f"{where}: not valid JSON ({error})") from error
    if not isinstance(value, dict):
        raise SpecError(f"{where}: expected a policy document (a mapping or JSON text)")
    return value


def _oidc(raw: Any, where: str) -> OidcProviderSpec:
    entry = _mapping(raw, where, {"url", "client_ids", "thumbprints"}, {"url"})
    thumbprints = entry.get("thumbprints")
    return OidcProviderSpec(
        url=_text(entry["url"], f"{where}.url"),
        client_ids=_strings(entry.get("client_ids"), f"{where}.client_ids"),
        thumbprints=None if thumbprints is None else _strings(thumbprints, f"{where}.thumbprints"),
    )


def _saml(raw: Any, where: str, base: Path) -> SamlProviderSpec:
    entry = _mapping(raw, where, {"name", "metadata", "metadata_file"}, {"name"})
    if ("metadata" in entry) == ("metadata_file" in entry):
        raise SpecError(f"{where}: give exactly one of metadata, metadata_file")
    if "metadata" in entry:
        metadata = _text(entry["metadata"], f"{where}.metadata")
    else:
        path = base / _text(entry["metadata_file"], f"{where}.metadata_file")
        try:
            metadata = path.read_text(encoding="utf-8")
        except OSError as error:
            raise SpecError(f"{where}.metadata_file: cannot read {path} ({error})") from error
    return SamlProviderSpec(_text(entry["name"], f"{where}.name"), metadata)


def _policy(raw: Any, where: str) -> ManagedPolicySpec:
    entry = _mapping(raw, where, {"name", "path", "description", "document"}, {"name", "document"})
    return ManagedPolicySpec(
        name=_text(entry["name"], f"{where}.name"),
        path=entry.get("path") or "/",
        description=entry.get("description"),
        document=_document(entry["document"], f"{where}.document"),
    )


_ROLE_KEYS = {
    "name", "path", "description", "max_session_duration", "trust_policy",
    "inline_policies", "managed_policies", "permissions_boundary", "tags",
}  # fmt: skip


def _inline_policies(entry: dict[str, Any], where: str) -> dict[str, dict[str, Any]]:
    inline = entry.get("inline_policies") or {}
    if not isinstance(inline, dict):
        raise SpecError(f"{where}.inline_policies: expected a mapping of name to document")
    return {
        str(name): _document(doc, f"{where}.inline_policies.{name}") for name, doc in inline.items()
    }


def _tags(entry: dict[str, Any], where: str) -> dict[str, str]:
    tags = entry.get("tags") or {}
    if not isinstance(tags, dict):
        raise SpecError(f"{where}.tags: expected a mapping of key to value")
    return {str(key): "" if value is None else str(value) for key, value in tags.items()}


def _role(raw: Any, where: str) -> RoleSpec:
    entry = _mapping(raw, where, _ROLE_KEYS, {"name", "trust_policy"})
    duration = entry.get("max_session_duration", 3600)
    if not isinstance(duration, int) or isinstance(duration, bool):
        raise SpecError(f"{where}.max_session_duration: expected a number of seconds")
    return RoleSpec(
        name=_text(entry["name"], f"{where}.name"),
        path=entry.get("path") or "/",
        description=entry.get("description"),
        max_session_duration=duration,
        trust_policy=_document(entry["trust_policy"], f"{where}.trust_policy"),
        inline_policies=_inline_policies(entry, where),
        managed_policies=_strings(entry.get("managed_policies"), f"{where}.managed_policies"),
        permissions_boundary=entry.get("permissions_boundary"),
        tags=_tags(entry, where),
    )


def _group(raw: Any, where: str) -> GroupSpec:
    entry = _mapping(raw, where, {"name", "path", "inline_policies", "managed_policies"}, {"name"})
    return GroupSpec(
        name=_text(entry["name"], f"{where}.name"),
        path=entry.get("path") or "/",
        inline_policies=_inline_policies(entry, where),
        managed_policies=_strings(entry.get("managed_policies"), f"{where}.managed_policies"),
    )


_USER_KEYS = {
    "name", "path", "groups", "inline_policies", "managed_policies",
    "permissions_boundary", "tags", "access_key",
}  # fmt: skip


def _user(raw: Any, where: str) -> UserSpec:
    entry = _mapping(raw, where, _USER_KEYS, {"name"})
    access_key = entry.get("access_key", False)
    if not isinstance(access_key, bool):
        raise SpecError(f"{where}.access_key: expected true or false")
    return UserSpec(
        name=_text(entry["name"], f"{where}.name"),
        path=entry.get("path") or "/",
        groups=_strings(entry.get("groups"), f"{where}.groups"),
        inline_policies=_inline_policies(entry, where),
        managed_policies=_strings(entry.get("managed_policies"), f"{where}.managed_policies"),
        permissions_boundary=entry.get("permissions_boundary"),
        tags=_tags(entry, where),
        access_key=access_key,
    )


def _instance_profile(raw: Any, where: str) -> InstanceProfileSpec:
    entry = _mapping(raw, where, {"name", "path", "role"}, {"name"})
    role = entry.get("role")
    return InstanceProfileSpec(
        name=_text(entry["name"], f"{where}.name"),
        path=entry.get("path") or "/",
        role=_text(role, f"{where}.role") if role is not None else None,
    )


def _table(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict) or not isinstance(raw.get("TableName"), str):
        raise SpecError(f"{where}: expected a CreateTable request with a TableName")
    return raw


def parse_spec(raw: Any, base: Path) -> Spec:
    """`raw`: the loaded file; `base`: the directory relative file names are read from."""
    top = _mapping(
        raw if raw is not None else {},
        "file",
        {
            "oidc_providers",
            "saml_providers",
            "managed_policies",
            "roles",
            "instance_profiles",
            "groups",
            "users",
            "tables",
        },
        set(),
    )

    def each(key: str) -> list[tuple[Any, str]]:
        return [(item, f"{key}[{i}]") for i, item in enumerate(_items(top.get(key), key))]

    return Spec(
        oidc_providers=tuple(_oidc(item, where) for item, where in each("oidc_providers")),
        saml_providers=tuple(_saml(item, where, base) for item, where in each("saml_providers")),
        managed_policies=tuple(_policy(item, where) for item, where in each("managed_policies")),
        roles=tuple(_role(item, where) for item, where in each("roles")),
        instance_profiles=tuple(
            _instance_profile(item, where) for item, where in each("instance_profiles")
        ),
        groups=tuple(_group(item, where) for item, where in each("groups")),
        users=tuple(_user(item, where) for item, where in each("users")),
        tables=tuple(_table(item, where) for item, where in each("tables")),
    )


def load_spec(path: Path) -> Spec:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SpecError(f"cannot read {path}: {error}") from error
    try:
        raw = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as error:
        raise SpecError(f"{path}: not valid YAML or JSON ({error})") from error
    return parse_spec(raw, path.parent)
