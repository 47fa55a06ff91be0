"""docs/architecture.md's AssumeRoleWithWebIdentity walk is the one `scripts/request_walks.py`
measures: the same number of source files, each named in the hop list, and no file named
there that the request does not enter. The layout is judged by that count (issue 18: at most
30 files, no module entered twice)."""

from __future__ import annotations

import asyncio
import importlib.util
import re
import tempfile
from functools import cache
from pathlib import Path
from types import ModuleType

from tests.docs.markdown import DOCS, chapters, code_spans

ROOT = Path(__file__).resolve().parents[2]
WALK = "An AssumeRoleWithWebIdentity, hop by hop"
MEASURED = "AssumeRoleWithWebIdentity"
MOST_FILES = 30


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "request_walks", ROOT / "scripts/request_walks.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def measured() -> tuple[str, ...]:
    """The source files of the walk, relative to `dynafed/`."""
    script = _script()
    with tempfile.TemporaryDirectory() as data:
        app = script.build_app(script.Settings(data_dir=Path(data), port=8000), script.ADMIN)
        try:
            walks = asyncio.run(script._walks(app))
        finally:
            if app.services.on_close is not None:
                app.services.on_close()
    return tuple(file.removeprefix("dynafed/") for file in walks[MEASURED])


def documented() -> str:
    return chapters((DOCS / "architecture.md").read_text(encoding="utf-8"))[WALK]


def named_files(text: str) -> set[str]:
    return {span for span in code_spans(text) if span.endswith(".py")}


def test_the_walk_stays_within_its_bound() -> None:
    assert len(measured()) <= MOST_FILES, measured()


def test_the_documented_count_is_the_measured_one() -> None:
    count = re.search(r"; (\d+) source files\.", documented())
    assert count is not None
    assert int(count.group(1)) == len(measured())


def test_every_file_entered_is_named_in_the_hop_list() -> None:
    named = named_files(documented())
    unnamed = [file for file in measured() if not any(f"/{file}".endswith(f"/{n}") for n in named)]
    assert unnamed == []


def test_every_file_named_is_entered() -> None:
    entered = measured()
    stale = [
        name
        for name in named_files(documented())
        if not any(f"/{file}".endswith(f"/{name}") for file in entered)
    ]
    assert stale == []
