"""docs/reference/settings.md documents every setting, and its defaults are the real ones.

- every `DYNAFED_*` environment variable the package reads (string constants in src/), and
  no documented variable that nothing in the repository uses;
- every PostgreSQL storage option `open_storage` takes out of the URL, with its default;
- every section and key the identity configuration loader reads (found in its source), each
  documented key accepted by the loader, and the documented defaults parsing to the
  loader's defaults;
- every field of `dynafed.server.settings.Settings`.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import os
import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from dynafed.server import identity_settings as identity_module
from dynafed.server.identity_settings import IdentityConfigError, IdentitySettings
from dynafed.server.settings import Settings
from dynafed.storage import factory
from dynafed.storage.postgres import PostgresStorage
from tests.docs.markdown import chapters, code_spans, read, sections, table_rows

ROOT = Path(__file__).resolve().parents[2]
DOC = read("settings.md")
_VARIABLE = re.compile(r"DYNAFED_[A-Z0-9_]+")


def variables_read_by_the_package() -> set[str]:
    """String literals that are exactly a `DYNAFED_*` name (what `os.environ` is given)."""
    literal = re.compile(r"""["'](DYNAFED_[A-Z0-9_]+)["']""")
    return {
        name
        for path in (ROOT / "src" / "dynafed").rglob("*.py")
        for name in literal.findall(path.read_text(encoding="utf-8"))
    }


def documented_variables() -> set[str]:
    body = chapters(DOC)["Environment variables"]
    return {spans[0] for row in table_rows(body) if (spans := code_spans(row[0]))}


def test_every_variable_the_package_reads_is_documented() -> None:
    missing = sorted(variables_read_by_the_package() - documented_variables())
    assert not missing, f"environment variables not in settings.md: {missing}"


def _repository_text() -> str:
    """Source, tests, benchmarks and scripts (dependencies and docs left out)."""
    texts = [(ROOT / "Makefile").read_text(encoding="utf-8")]
    for place in ("src", "tests", "benchmarks", "scripts"):
        for folder, subfolders, files in os.walk(ROOT / place):
            subfolders[:] = [s for s in subfolders if s not in ("node_modules", "docs")]
            for name in files:
                if name.endswith((".py", ".mjs", ".sh")):
                    texts.append(Path(folder, name).read_text(encoding="utf-8", errors="replace"))
    return "\n".join(texts)


def test_every_documented_variable_is_used_somewhere() -> None:
    text = _repository_text()
    unused = sorted(v for v in documented_variables() if v.startswith("DYNAFED_") and v not in text)
    assert not unused, f"settings.md documents variables nothing reads: {unused}"


# --- storage URLs ------------------------------------------------------------------------


def documented_postgres_options() -> dict[str, str]:
    body = chapters(DOC)["Storage URLs"]
    options = {}
    for row in table_rows(body):
        spans = code_spans(row[0])
        if len(row) == 3 and spans and "://" not in spans[0]:
            options[spans[0]] = code_spans(row[1])[0]
    return options


def test_every_postgres_option_is_documented_with_its_default() -> None:
    documented = documented_postgres_options()
    assert set(documented) == factory._POSTGRES_OPTIONS
    url = "postgresql://u@db/x?sslmode=require&" + "&".join(
        f"{name}={value}" for name, value in documented.items()
    )
    libpq_url, options = factory.split_postgres_url(url)
    assert libpq_url == "postgresql://u@db/x?sslmode=require"  # ours removed, libpq's kept
    defaults = {
        p.name: p.default for p in _parameters(PostgresStorage.__init__) if p.default is not p.empty
    }
    defaults["schema"] = factory.DEFAULT_POSTGRES_SCHEMA  # the URL's default: storage needs one
    names = {"pool_min_size": "min_size", "pool_max_size": "max_size"}
    for option, value in options.items():
        assert str(defaults[option]) == str(value), f"{option}: documented default is wrong"
    assert {names.get(o, o) for o in documented} == set(options)


def _parameters(function: Any) -> list[inspect.Parameter]:
    return list(inspect.signature(function).parameters.values())


def test_the_documented_url_forms_open(tmp_path: Path) -> None:
    forms = [s for row in table_rows(chapters(DOC)["Storage URLs"]) for s in code_spans(row[0])[:1]]
    assert "memory://" in forms and any(f.startswith("sqlite:///") for f in forms)
    factory.open_storage("memory://").close()
    factory.open_storage(f"sqlite:///{tmp_path}/a.db").close()
    assert (tmp_path / "a.db").exists()
    factory.open_storage(str(tmp_path / "dir")).close()
    assert (tmp_path / "dir" / factory.SQLITE_FILE_NAME).exists()


# --- the identity configuration file ------------------------------------------------------


def loader_names() -> tuple[set[str], set[str]]:
    """(sections, keys) the identity configuration loader reads: the string arguments of its
    `.table(…)` calls, and of its `.get(…)` / `.get_list(…)` calls on TOML tables."""
    tree = ast.parse(Path(identity_module.__file__).read_text(encoding="utf-8"))
    sections_read, keys_read = set(), set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        receiver = node.func.value
        if isinstance(receiver, ast.Name) and receiver.id == "environ":
            continue  # the environment, not the file
        first = node.args[0] if node.args else None
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            continue
        if node.func.attr == "table":
            sections_read.add(first.value)
        elif node.func.attr in ("get", "get_list"):
            keys_read.add(first.value)
    return sections_read, keys_read


@cache
def documented_keys() -> dict[str, dict[str, str]]:
    """`[section]` → key → its Default cell."""
    keys: dict[str, dict[str, str]] = {}
    for section in sections(DOC):
        name = re.fullmatch(r"`\[(\w+)\]`", section.title)
        if name is None:
            continue
        keys[name.group(1)] = {
            code_spans(row[0])[0]: row[2] for row in table_rows(section.body) if len(row) == 4
        }
    return keys


def test_every_section_and_key_the_loader_reads_is_documented() -> None:
    sections_read, keys_read = loader_names()
    documented = documented_keys()
    assert sections_read == set(documented)
    every_key = {key for keys in documented.values() for key in keys}
    assert keys_read - sections_read == every_key


@pytest.mark.parametrize(
    ("section", "key"), [(s, k) for s, keys in documented_keys().items() for k in keys]
)
def test_every_documented_key_is_accepted_in_its_section(section: str, key: str) -> None:
    value = _default_value(documented_keys()[section][key])
    if value is None:
        value = "FB_TOKEN" if key == "app_access_token_env" else "x"
    try:
        identity_module.identity_settings({section: {key: value}}, {"FB_TOKEN": "1|s"})
    except IdentityConfigError as error:
        pytest.fail(f"[{section}] {key} is refused: {error}")


def _default_value(cell: str) -> Any:
    spans = code_spans(cell)
    if not spans:
        return None  # "none": no default value
    return tomllib.loads(f"value = {spans[0]}")["value"]


def test_the_documented_defaults_are_the_loaders() -> None:
    document: dict[str, dict[str, Any]] = {}
    for section, keys in documented_keys().items():
        for key, cell in keys.items():
            value = _default_value(cell)
            if value is not None:
                document.setdefault(section, {})[key] = value
    assert identity_module.identity_settings(document, {}) == IdentitySettings()


def test_a_wrong_default_would_be_noticed() -> None:
    document = {"jwks": {"min_ttl": 301.0}}
    assert identity_module.identity_settings(document, {}) != IdentitySettings()


# --- server settings ----------------------------------------------------------------------


def test_every_server_setting_is_documented() -> None:
    body = chapters(DOC)["Server settings"]
    documented = {spans[0] for row in table_rows(body) if (spans := code_spans(row[0]))}
    fields = {field.name for field in dataclasses.fields(Settings)}
    assert fields == documented
