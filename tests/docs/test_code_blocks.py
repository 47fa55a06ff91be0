"""Every code block in the README and the docs runs as written, or says it is an excerpt.

A block is checked by what it is:

* `json` parses; a whole policy (`Version` and `Statement`) is accepted by the policy engine
  as the kind it is (a role's trust policy when its statements name a `Principal`);
* `toml` parses, and an identity configuration (`--identity-config`) is accepted by the
  loader `dynafed serve` uses;
* `yaml` parses, and a `dynafed apply` file is accepted by `dynafed apply`'s reader (with
  the SAML metadata it names, `docs/examples/`);
* the README's `sh` and `python` blocks are run, top to bottom, by `tests/e2e/test_readme.py`;
* anything else (commands against an external system, synopses, program output, other
  languages) is marked `<!-- excerpt: why -->` on the line before it, and says why.

Every block names its language, so a reader's highlighter and this test agree on what it is.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from dynafed.apply.spec import parse_spec
from dynafed.identity.saml.metadata import parse_idp_metadata
from dynafed.policy import PolicyKind, parse_policy
from dynafed.server.identity_settings import identity_settings

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
_FENCE = re.compile(r"^```(\S*)\s*$")
_EXCERPT = re.compile(r"^<!-- excerpt: \S.* -->\s*$")
README_RUN = ("sh", "python")
"""What tests/e2e/test_readme.py runs of the README."""
IDENTITY_SECTIONS = {"http", "jwks", "google", "amazon", "facebook", "saml", "tokens", "web"}


@dataclass(frozen=True)
class Block:
    page: Path
    line: int
    language: str
    code: str
    excerpt: bool

    def __str__(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def blocks(page: Path) -> list[Block]:
    found: list[Block] = []
    lines = page.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        fence = _FENCE.match(lines[index])
        if fence is None:
            index += 1
            continue
        end = next(i for i in range(index + 1, len(lines)) if lines[i].startswith("```"))
        excerpt = index > 0 and _EXCERPT.match(lines[index - 1]) is not None
        code = "\n".join(lines[index + 1 : end]) + "\n"
        found.append(Block(page, index + 1, fence.group(1), code, excerpt))
        index = end + 1
    return found


ALL = [block for page in PAGES for block in blocks(page)]


def _check_json(block: Block) -> None:
    document = json.loads(block.code)
    if isinstance(document, dict) and {"Version", "Statement"} <= document.keys():
        statements = document["Statement"]
        statements = statements if isinstance(statements, list) else [statements]
        trust = any("Principal" in statement for statement in statements)
        parse_policy(block.code, PolicyKind.TRUST if trust else PolicyKind.IDENTITY)


def _check_toml(block: Block) -> None:
    document = tomllib.loads(block.code)
    if document.keys() <= IDENTITY_SECTIONS:
        identity_settings(document, {"DYNAFED_EXAMPLE": "x"})


def _check_yaml(block: Block) -> None:
    document: Any = yaml.safe_load(block.code)
    if isinstance(document, dict) and {"roles", "tables", "users", "oidc_providers"} & set(
        document
    ):
        spec = parse_spec(document, block.page.parent)
        for provider in spec.saml_providers:  # the metadata a file names is real metadata
            parse_idp_metadata(provider.metadata)


CHECKS = {"json": _check_json, "toml": _check_toml, "yaml": _check_yaml}


@pytest.mark.parametrize("block", [b for b in ALL if not b.excerpt], ids=str)
def test_every_block_is_checked_run_or_marked_an_excerpt(block: Block) -> None:
    assert block.language, f"{block}: name the block's language"
    check = CHECKS.get(block.language)
    if check is not None:
        check(block)
        return
    runs_in_readme = block.page.name == "README.md" and block.language in README_RUN
    assert runs_in_readme, (
        f"{block}: a {block.language} block nothing runs: make it runnable by a test or mark "
        "it `<!-- excerpt: why -->`"
    )


def test_excerpts_are_few_enough_to_read() -> None:
    """Excerpts are the exception: most examples should run as written."""
    excerpts = [block for block in ALL if block.excerpt]
    assert len(excerpts) < len(ALL)
