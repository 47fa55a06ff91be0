"""Links between the docs hold: every relative link in README.md and docs/ names a file that
exists and, when it has one, a heading anchor that file has (GitHub's anchor rules); and
docs/index.md links every page under docs/, so the map stays complete."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.docs.markdown import DOCS, sections

ROOT = DOCS.parent
PAGES = sorted([ROOT / "README.md", *DOCS.rglob("*.md")])
_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
_FENCED = re.compile(r"^```.*?^```", re.DOTALL | re.MULTILINE)


def links(page: Path) -> list[str]:
    text = _FENCED.sub("", page.read_text(encoding="utf-8"))
    text = re.sub(r"`[^`\n]*`", "", text)  # code spans are not links
    return _LINK.findall(text)


def anchor(title: str) -> str:
    """GitHub's heading anchor: link text only, lower case, punctuation (but `-` and `_`)
    removed, spaces turned into hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", title).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    found: set[str] = set()
    seen: dict[str, int] = {}
    for section in sections(page.read_text(encoding="utf-8")):
        if not section.level:
            continue
        slug = anchor(section.title)
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def _relative(target: str) -> bool:
    return not re.match(r"[a-z][a-z0-9+.-]*:", target)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(page: Path) -> None:
    broken = []
    for target in links(page):
        if not _relative(target):
            continue
        path, _, fragment = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            broken.append(f"{target}: no such file")
        elif fragment and file.suffix == ".md" and fragment not in anchors(file):
            broken.append(f"{target}: no heading with that anchor")
    assert not broken, f"{page.relative_to(ROOT)}: {broken}"


def test_the_index_links_every_page() -> None:
    index = DOCS / "index.md"
    linked = {(index.parent / t.partition("#")[0]).resolve() for t in links(index) if _relative(t)}
    missing = [
        str(p.relative_to(ROOT)) for p in DOCS.rglob("*.md") if p != index and p not in linked
    ]
    assert not missing, f"docs/index.md does not link: {missing}"


def test_the_readme_links_the_index() -> None:
    assert "docs/index.md" in links(ROOT / "README.md")


def test_anchors_follow_githubs_rules() -> None:
    assert anchor("`dynafed policy check`") == "dynafed-policy-check"
    assert anchor("Configuration: `--identity-config`") == "configuration---identity-config"
    assert anchor("Identity pools (Cognito Identity API)") == "identity-pools-cognito-identity-api"
