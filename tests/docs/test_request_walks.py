"""docs/architecture.md's two request walks are the ones `scripts/request_walks.py` measures:
the same number of source files, each named in the hop list, and no file named there that the
request does not enter. The layout is judged by those counts (issue 18: a GetItem in at most
20 files, an AssumeRoleWithWebIdentity in at most 30, no module entered twice). The walks
start at the socket since the HTTP protocol is dynafed's own (server/http_connection.py,
issue 19): a GetItem's bound is 21, its 20 files of then and the protocol, which was
uvicorn's and so not counted."""

from __future__ import annotations

import asyncio
import importlib.util
import re
import tempfile
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

from tests.docs.markdown import DOCS, chapters, code_spans

ROOT = Path(__file__).resolve().parents[2]
WALKS = {
    # measured walk: (its chapter in docs/architecture.md, the most files it may enter)
    "GetItem (GameRole)": ("A GameRole GetItem, hop by hop", 21),
    "AssumeRoleWithWebIdentity": ("An AssumeRoleWithWebIdentity, hop by hop", 30),
}


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "request_walks", ROOT / "scripts/request_walks.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def _measured() -> dict[str, tuple[str, ...]]:
    """The source files of each walk, relative to `dynafed/`."""
    script = _script()
    with tempfile.TemporaryDirectory() as data:
        app = script.build_app(script.Settings(data_dir=Path(data), port=8000), script.ADMIN)
        try:
            walks = asyncio.run(script._walks(app))
        finally:
            if app.services.on_close is not None:
                app.services.on_close()
    return {
        name: tuple(file.removeprefix("dynafed/") for file in files)
        for name, files in walks.items()
    }


def measured(walk: str) -> tuple[str, ...]:
    return _measured()[walk]


def documented(walk: str) -> str:
    chapter, _ = WALKS[walk]
    return chapters((DOCS / "architecture.md").read_text(encoding="utf-8"))[chapter]


def named_files(text: str) -> set[str]:
    """The source files a hop list names (the measuring script is not one of them)."""
    return {
        span
        for span in code_spans(text)
        if span.endswith(".py") and not span.startswith("scripts/")
    }


@pytest.mark.parametrize("walk", WALKS)
def test_the_walk_stays_within_its_bound(walk: str) -> None:
    _, most_files = WALKS[walk]
    assert len(measured(walk)) <= most_files, measured(walk)


@pytest.mark.parametrize("walk", WALKS)
def test_the_documented_count_is_the_measured_one(walk: str) -> None:
    count = re.search(r"; (\d+) source files\.", documented(walk))
    assert count is not None
    assert int(count.group(1)) == len(measured(walk))


@pytest.mark.parametrize("walk", WALKS)
def test_every_file_entered_is_named_in_the_hop_list(walk: str) -> None:
    named = named_files(documented(walk))
    unnamed = [
        file for file in measured(walk) if not any(f"/{file}".endswith(f"/{n}") for n in named)
    ]
    assert unnamed == []


@pytest.mark.parametrize("walk", WALKS)
def test_every_file_named_is_entered(walk: str) -> None:
    entered = measured(walk)
    stale = [
        name
        for name in named_files(documented(walk))
        if not any(f"/{file}".endswith(f"/{name}") for file in entered)
    ]
    assert stale == []
